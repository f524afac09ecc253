"""Reminding officers of deadlines, and deleting archives whose links have expired.

A request nobody looks at is a broken promise on a known date. Once a day, each officer
and admin gets one mail listing the open requests due within a week or already overdue:
kind, date and a link, never who asked (a subject line and a mailbox are not safe places
for that). With no officer set up, the policy's rights contact gets it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from privet.admin.service import officer_addresses
from privet.clock import Clock
from privet.notify.service import queue_email
from privet.policy.schema import Policy
from privet.rights.download import delete_expired
from privet.rights.models import DataRequest
from privet.store.open import Store

REMIND_BEFORE = timedelta(days=7)
REMIND_EVERY = timedelta(days=1)


def request_chores(store: Store, policy: Policy, base_url: str, clock: Clock) -> None:
    """What `privet serve` runs each hour: each step does only what is due."""
    now = clock.now()
    with store.transaction() as session:
        remind_officers(session, policy, base_url, now)
        delete_expired(session, now)


def remind_officers(session: Session, policy: Policy, base_url: str, now: datetime) -> int:
    """Queue the reminder mails that are due; the number of requests reminded of."""
    due = list(session.scalars(_due_for_reminder(now)))
    if not due:
        return 0
    lines = [_line(base_url, request, now) for request in due]
    body = (
        f"These data-subject requests to {policy.controller.name} are due within "
        f"{REMIND_BEFORE.days} days or overdue:\n\n" + "\n".join(lines) + "\n"
    )
    subject = f"privet: {len(due)} data-subject request(s) due soon"
    for officer in officer_addresses(session, policy):
        queue_email(session, officer, subject, body, now)
    for request in due:
        request.reminded_at = now
    return len(due)


def _due_for_reminder(now: datetime) -> Select[DataRequest]:
    return (
        select(DataRequest)
        .where(DataRequest.status == "open", DataRequest.due_at <= now + REMIND_BEFORE)
        .where(
            or_(
                DataRequest.reminded_at.is_(None),
                DataRequest.reminded_at <= now - REMIND_EVERY,
            )
        )
        .order_by(DataRequest.due_at)
    )


def _line(base_url: str, request: DataRequest, now: datetime) -> str:
    assert request.due_at is not None  # open requests are verified, so they have one
    late = " OVERDUE" if request.due_at < now else ""
    link = f"{base_url.rstrip('/')}/admin/requests/{request.id}"
    return f"- {request.kind}, due {request.due_at.date().isoformat()}{late}: {link}"
