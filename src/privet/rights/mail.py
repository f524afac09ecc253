"""The mail that asks a requester to prove the address is theirs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from privet.notify.service import queue_email
from privet.policy.schema import Policy
from privet.rights.models import DataRequest
from privet.rights.service import Received
from privet.rights.wording import words


def status_link(base_url: str, request: DataRequest, token: str) -> str:
    return f"{base_url.rstrip('/')}/privacy/requests/{request.id}?token={token}"


def queue_code(
    session: Session, *, policy: Policy, base_url: str, received: Received, now: datetime
) -> None:
    """Mail the request's code, unless the address had its share of codes this hour."""
    if received.code is None:
        return
    request = received.request
    said = words(request.language)
    link = status_link(base_url, request, received.token)
    body = said["mail_body"].format(
        controller=policy.controller.name, code=received.code, link=link
    )
    # No subject_id: until the address is proven, the request is tied to nobody.
    queue_email(session, request.email, said["mail_subject"], body, now, forget_when_sent=True)


def queue_extension_notice(
    session: Session, policy: Policy, request: DataRequest, now: datetime
) -> None:
    """Tell the requester the deadline moved, and why (GDPR art. 12(3))."""
    assert request.due_at is not None  # only a verified request is extended
    said = words(request.language)
    body = said["extended_body"].format(
        controller=policy.controller.name, kind=said[request.kind],
        due=request.due_at.date().isoformat(), reason=request.extension_reason,
    )  # fmt: skip
    queue_email(session, request.email, said["extended_subject"], body, now,
                subject_id=request.subject_id)  # fmt: skip
