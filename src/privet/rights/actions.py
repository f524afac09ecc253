"""Objection, restriction and rectification, in privet's own store.

Objection to direct marketing (GDPR art. 21(2)-(3)) is absolute: every marketing consent
is withdrawn, the address is suppressed, and the person is marked, which every marketing
export honours. Restriction (art. 18) marks the person: nothing but storage from then on,
no marketing, and staff see the mark wherever the person appears. Rectification (art. 16)
changes stored values, only as an officer approved them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from privet.backup.ledger import ErasureLedger
from privet.intake.models import Submission
from privet.marketing.models import MarketingConsent
from privet.marketing.service import note_unsubscribe, suppress
from privet.subjects.models import Subject
from privet.subjects.service import email_index, find_subject


class RectificationRefused(ValueError):
    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {why}" for name, why in problems.items()))
        self.problems = problems


def object_to_marketing(
    session: Session, email: str, now: datetime, *, ledger: ErasureLedger
) -> int:
    """Stop all marketing to the address; the number of consents withdrawn. Noted in the
    `ledger` before the caller commits, so restoring an older backup cannot undo it."""
    note_unsubscribe(session, ledger, email, "objection", now)
    subject = find_subject(session, email)
    if subject is None:
        suppress(session, email_index(session, email), "objection", now)
        return 0  # suppressed all the same: nobody may add them later
    # Under the index the record carries, which marketing matches it by: an older key's
    # until a key rotation reaches the record (and moves the suppression with it).
    suppress(session, subject.email_index, "objection", now)
    subject.objected_at = subject.objected_at or now
    withdrawn = session.connection().execute(
        update(MarketingConsent)
        .where(MarketingConsent.subject_id == subject.id, MarketingConsent.withdrawn_at.is_(None))
        .values(withdrawn_at=now)
    )
    return withdrawn.rowcount


def restrict(session: Session, email: str, now: datetime) -> bool:
    """Mark the person restricted; False when privet holds nothing about them."""
    subject = find_subject(session, email)
    if subject is None:
        return False
    subject.restricted_at = subject.restricted_at or now
    return True


def rectifiable(session: Session, subject: Subject) -> dict[str, str]:
    """The values an officer may correct, by name: `email`, `phone`, `<submission id>.<field>`."""
    values = {"email": subject.email, "phone": subject.phone or ""}
    for submission in _submissions(session, subject):
        for name, value in json.loads(submission.fields).items():
            if isinstance(value, str):
                values[f"{submission.id}.{name}"] = value
    return values


def rectify(session: Session, subject: Subject, corrected: Mapping[str, str]) -> list[str]:
    """Apply the officer's corrected values; the names of those that changed.

    Only names `rectifiable` offers are taken, so a correction can never add a field the
    policy did not declare; a new address must not be another person's.
    """
    current = rectifiable(session, subject)
    unknown = sorted(set(corrected) - set(current))
    if unknown:
        raise RectificationRefused({name: "not a stored value" for name in unknown})
    changed = [name for name, value in corrected.items() if value.strip() != current[name]]
    if "email" in changed:
        _change_email(session, subject, corrected["email"].strip())
    if "phone" in changed:
        subject.phone = corrected["phone"].strip() or None
    for submission in _submissions(session, subject):
        _rectify_submission(submission, corrected, changed)
    return changed


def _change_email(session: Session, subject: Subject, new: str) -> None:
    try:
        new = validate_email(new, check_deliverability=False).normalized
    except EmailNotValidError:
        raise RectificationRefused({"email": "not a valid email address"}) from None
    other = find_subject(session, new)
    if other is not None and other.id != subject.id:
        raise RectificationRefused({"email": "another person already has this address"})
    subject.email, subject.email_index = new, email_index(session, new)


def _rectify_submission(
    submission: Submission, corrected: Mapping[str, str], changed: list[str]
) -> None:
    prefix = f"{submission.id}."
    mine = {
        name.removeprefix(prefix): corrected[name].strip()
        for name in changed
        if name.startswith(prefix)
    }
    if mine:
        submission.fields = json.dumps(json.loads(submission.fields) | mine)


def _submissions(session: Session, subject: Subject) -> list[Submission]:
    query = select(Submission).where(Submission.subject_id == subject.id)
    return list(session.scalars(query.order_by(Submission.submitted_at)))
