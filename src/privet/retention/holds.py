"""Legal holds: officers keep a person's, a request's or a whole category's records past
their retention rule and out of erasure, while a complaint or litigation needs them
(ntropic §8). Sweeps and erasure ask `active_holds` what to leave alone.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from privet.auditlog import service as auditlog
from privet.policy.schema import Policy
from privet.retention.models import LegalHold
from privet.retention.records import Holds
from privet.rights.models import DataRequest
from privet.subjects.service import find_subject


class HoldError(ValueError):
    """A hold that cannot be placed as asked; the message names the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Target:
    """What a hold covers: exactly one of a person (by address), a request, a category."""

    email: str | None = None
    request_id: uuid.UUID | None = None
    category: str | None = None


def _active(now: datetime) -> ColumnElement[bool]:
    return (
        (LegalHold.placed_at <= now)
        & LegalHold.lifted_at.is_(None)
        & (LegalHold.ends_at.is_(None) | (LegalHold.ends_at > now))
    )


def holds_on(session: Session, now: datetime) -> Holds:
    """What the holds active at `now` cover."""
    active = _active(now)
    return Holds(
        subjects=select(LegalHold.subject_id).where(active, LegalHold.subject_id.is_not(None)),
        requests=select(LegalHold.request_id).where(active, LegalHold.request_id.is_not(None)),
        categories=frozenset(held_categories(session, now)),
    )


def held_categories(session: Session, now: datetime) -> set[str]:
    query = select(LegalHold.category).where(_active(now), LegalHold.category.is_not(None))
    return {category for category in session.scalars(query) if category}


def place_hold(
    session: Session,
    policy: Policy,
    target: Target,
    *,
    reason: str,
    now: datetime,
    staff_id: uuid.UUID | None,
    ends_at: datetime | None = None,
    note: str | None = None,
) -> LegalHold:
    _check_allowed(policy, reason, ends_at, now)
    hold = LegalHold(
        reason=reason, note=note or None, placed_at=now, placed_by=staff_id, ends_at=ends_at
    )
    if sum(value is not None for value in (target.email, target.request_id, target.category)) != 1:
        raise HoldError("target", "a hold covers one person, one request or one category")
    if target.email is not None:
        subject = find_subject(session, target.email)
        if subject is None:
            raise HoldError("email", "privet holds nothing about this address")
        hold.subject_id = subject.id
    elif target.request_id is not None:
        if session.get(DataRequest, target.request_id) is None:
            raise HoldError("request", "no request has this id")
        hold.request_id = target.request_id
    elif target.category not in policy.data_categories:
        raise HoldError("category", f"the policy declares no data category '{target.category}'")
    else:
        hold.category = target.category
    session.add(hold)
    session.flush()
    _on_record(session, hold, "hold_placed", staff_id, now)
    return hold


def _check_allowed(policy: Policy, reason: str, ends_at: datetime | None, now: datetime) -> None:
    allowed = policy.legal_holds
    if not allowed.allowed:
        raise HoldError("reason", "the policy does not allow legal holds (legal_holds.allowed)")
    if not reason.strip():
        raise HoldError("reason", "say why the records must be kept")
    if allowed.reasons and reason not in allowed.reasons:
        raise HoldError("reason", f"the policy allows holds for: {', '.join(allowed.reasons)}")
    if ends_at is not None and ends_at <= now:
        raise HoldError("ends_at", "the end of a hold must be in the future")


def lift_hold(
    session: Session, hold_id: uuid.UUID, *, now: datetime, staff_id: uuid.UUID | None
) -> LegalHold:
    """End a hold. The row stays, with who lifted it and when: that is its audit trail."""
    hold = session.get(LegalHold, hold_id)
    if hold is None:
        raise HoldError("hold", "no hold has this id")
    if hold.lifted_at is None:
        hold.lifted_at, hold.lifted_by = now, staff_id
        _on_record(session, hold, "hold_lifted", staff_id, now)
    return hold


def _on_record(
    session: Session, hold: LegalHold, action: str, staff_id: uuid.UUID | None, now: datetime
) -> None:
    actor = staff_id or auditlog.SHELL  # no staff member: `privet holds` in a shell
    covers = {"covers": covered(hold)}
    auditlog.record(session, actor, action, now, target=("legal_hold", hold.id), details=covers)


def list_holds(session: Session, *, include_lifted: bool = False) -> list[LegalHold]:
    query = select(LegalHold).order_by(LegalHold.placed_at.desc())
    if not include_lifted:
        query = query.where(LegalHold.lifted_at.is_(None))
    return list(session.scalars(query))


def covered(hold: LegalHold) -> str:
    """What a hold covers, for lists: never the person's address (the hold's id is how
    staff refer to it)."""
    if hold.request_id is not None:
        return f"request {hold.request_id}"
    if hold.category is not None:
        return f"category {hold.category}"
    return "a person" if hold.subject_id is not None else "a person since erased"


def subject_is_held(session: Session, subject_id: uuid.UUID, now: datetime) -> LegalHold | None:
    query = select(LegalHold).where(_active(now), LegalHold.subject_id == subject_id)
    return session.scalars(query.limit(1)).first()
