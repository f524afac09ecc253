"""Data-subject requests and their history."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from privet.store.base import Base, RandomId
from privet.store.types import Encrypted


class DataRequest(RandomId, Base):
    """One request, from receipt to answer.

    Until the requester proves they control the address (`verified_at`), it is tied to no
    subject and reveals nothing. The deadline runs from verification; an extension moves
    `due_at` and says why. Secrets are kept only as hashes: the emailed code, and the
    token that lets the requester follow progress.
    """

    __tablename__ = "data_requests"

    kind: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(Encrypted("data_requests.email"))
    email_index: Mapped[str] = mapped_column(String(64), index=True)
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(20), index=True)
    received_at: Mapped[datetime]
    verified_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    extension_reason: Mapped[str | None] = mapped_column(String(500))
    closed_at: Mapped[datetime | None]
    subject_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("subjects.id", ondelete="SET NULL"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    code_hash: Mapped[str | None] = mapped_column(String(64))
    code_expires_at: Mapped[datetime | None]
    code_attempts: Mapped[int] = mapped_column(default=0)


class RequestEvent(RandomId, Base):
    """A step in a request's life, shown to staff and (without notes) to the requester."""

    __tablename__ = "data_request_events"

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("data_requests.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime]
    step: Mapped[str] = mapped_column(String(30))
    staff_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    note: Mapped[str | None] = mapped_column(String(500))
