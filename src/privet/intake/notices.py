"""Telling the operator that a form was sent: through the outbox, in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from privet.config import Settings
from privet.intake.models import Submission
from privet.notify.service import queue_email
from privet.policy.schema import Policy


@dataclass(frozen=True)
class Notices:
    """Where intake's mail points: privet's own address, and who hears of submissions."""

    base_url: str
    operator: str | None


def notices_for(settings: Settings, policy: Policy) -> Notices:
    wanted = settings.operator_email.strip()
    operator = None if wanted.lower() == "off" else wanted or policy.controller.email
    return Notices(settings.base_url, operator)


def notify_operator(
    session: Session,
    *,
    policy: Policy,
    notices: Notices,
    submission: Submission,
    cleaned: dict[str, str],
    now: datetime,
) -> None:
    """The body holds what was sent (sealed in the outbox like any body); the subject line
    names only the form, because it is stored and relayed in clear."""
    if not notices.operator:
        return
    lines = [f"{name}: {value}" for name, value in cleaned.items()]
    body = (
        f"A new submission of the form '{submission.form}' reached {policy.controller.name}.\n\n"
        + "\n".join(lines)
        + f"\n\nPurpose: {submission.purpose} ({submission.legal_basis})\n"
        f"Policy version: {submission.policy_version}\n"
        f"See it in privet: {notices.base_url}/admin/submissions/{submission.id}\n"
    )
    queue_email(
        session, notices.operator, f"New submission: {submission.form}", body, now,
        subject_id=submission.subject_id,
    )  # fmt: skip
