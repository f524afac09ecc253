"""Legal holds, and the record of every sweep (so a sweep that stops happening is noticed)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from privet.store.base import Base, RandomId
from privet.store.types import Encrypted


class LegalHold(RandomId, Base):
    """Keeps records past their retention rule, and out of erasure, while it lasts
    (ntropic §8: "in the event of a complaint or ... prospect of litigation").

    It covers one subject, one request, or a whole data category. A hold is never
    deleted: lifting it sets `lifted_at` and `lifted_by`, so who ended it stays on record.
    """

    __tablename__ = "legal_holds"

    subject_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("subjects.id", ondelete="SET NULL"), index=True
    )
    request_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("data_requests.id", ondelete="SET NULL"), index=True
    )
    category: Mapped[str | None] = mapped_column(String(100))
    # One of the policy's `legal_holds.reasons` when it lists any; shown in reports.
    reason: Mapped[str] = mapped_column(String(100))
    # Free text from the officer (a case number, a lawyer's name): may be personal.
    note: Mapped[str | None] = mapped_column(Encrypted("legal_holds.note"))
    placed_at: Mapped[datetime]
    placed_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    ends_at: Mapped[datetime | None]
    lifted_at: Mapped[datetime | None]
    lifted_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )


class SweepRun(RandomId, Base):
    """One retention sweep, written when it starts and again when it ends.

    A run left `running` by a process that is gone was killed; the audit and the
    officers' alert look at the last `done` run, so a sweep that silently stops is a
    finding."""

    __tablename__ = "sweep_runs"

    started_at: Mapped[datetime] = mapped_column(index=True)
    # host:pid of the process sweeping: on SQLite, how a new sweep knows the old one died.
    owner: Mapped[str] = mapped_column(String(100))
    finished_at: Mapped[datetime | None]
    as_of: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10))  # running, done, failed
    # The exception's class only: a message could quote a value.
    error: Mapped[str | None] = mapped_column(String(100))
    # Per rule: due, deleted, anonymised, held, as JSON. No personal data.
    results: Mapped[str | None] = mapped_column(Text)
    # When officers were told that sweeps stopped, so they are told once, not hourly.
    alerted_at: Mapped[datetime | None]
