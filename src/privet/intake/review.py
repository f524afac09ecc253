"""Staff's side of intake: finding submissions, reading them, flagging abuse."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, defer

from privet.intake.models import Submission
from privet.policy.schema import Policy
from privet.subjects.models import Subject
from privet.subjects.service import find_subject

PAGE_SIZE = 50


class NoAbusePurpose(LookupError):
    """The policy declares no `abuse` section: nothing may be kept for that reason."""


class AlreadyFlagged(ValueError):
    pass


class NotFound(LookupError):
    pass


@dataclass(frozen=True)
class Listed:
    submission: Submission
    # None for staff who may not read contents: then they were never even decrypted.
    fields: dict[str, str] | None
    # When the person asked that their data be kept but no longer used (art. 18).
    restricted_at: datetime | None


def recent(session: Session, *, email: str | None = None, contents: bool) -> list[Listed]:
    """The latest submissions, or those of the person with `email` (by blind index)."""
    query = _select(contents).order_by(Submission.submitted_at.desc()).limit(PAGE_SIZE)
    if email is not None:
        subject = find_subject(session, email)
        if subject is None:
            return []
        query = query.where(Submission.subject_id == subject.id)
    return [_listed(found, when, contents) for found, when in session.execute(query)]


def one(session: Session, submission_id: uuid.UUID, *, contents: bool) -> Listed | None:
    row = session.execute(_select(contents).where(Submission.id == submission_id)).first()
    return None if row is None else _listed(row[0], row[1], contents)


def _select(contents: bool) -> Select[Submission, datetime | None]:
    query = select(Submission, Subject.restricted_at).outerjoin(
        Subject, Subject.id == Submission.subject_id
    )
    return query if contents else query.options(defer(Submission.fields, raiseload=True))


def _listed(submission: Submission, restricted_at: datetime | None, contents: bool) -> Listed:
    fields = json.loads(submission.fields) if contents else None
    return Listed(submission, fields, restricted_at)


def flag(
    session: Session,
    policy: Policy,
    submission_id: uuid.UUID,
    *,
    staff_id: uuid.UUID,
    note: str,
    now: datetime,
) -> Submission:
    """Move a submission to the policy's abuse purpose and category, and so to its
    retention rule; the note says what was objectionable and what was done."""
    if policy.abuse is None:
        raise NoAbusePurpose("the policy has no abuse section: add one to keep flagged content")
    submission = session.get(Submission, submission_id)
    if submission is None:
        raise NotFound(str(submission_id))
    if submission.flagged_at is not None:
        raise AlreadyFlagged("this submission is already flagged")
    submission.purpose = policy.abuse.purpose
    submission.legal_basis = policy.purposes[policy.abuse.purpose].legal_basis
    submission.categories = policy.abuse.category
    submission.flagged_at, submission.flagged_by, submission.flag_note = now, staff_id, note
    return submission
