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
    # portal, api, or staff (received by post or phone, entered with the CLI).
    channel: Mapped[str] = mapped_column(String(10), default="portal")
    # What the requester wrote: for a rectification, what is wrong and what is right.
    details: Mapped[str | None] = mapped_column(Encrypted("data_requests.details"))
    # Portability straight to another provider (GDPR art. 20(2)): where to send it.
    recipient_url: Mapped[str | None] = mapped_column(Encrypted("data_requests.recipient_url"))
    # The answer as JSON: what was done, and what was kept and why; shown to the requester.
    outcome: Mapped[str | None] = mapped_column(Encrypted("data_requests.outcome"))
    # When officers were last reminded of this request's deadline.
    reminded_at: Mapped[datetime | None]


class RequestExport(RandomId, Base):
    """An access or portability archive, kept sealed until its download link expires."""

    __tablename__ = "data_request_exports"

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("data_requests.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    # The ZIP, base64 and sealed like any personal field: it is everything about someone.
    archive: Mapped[str] = mapped_column(Encrypted("data_request_exports.archive"))
    downloaded_at: Mapped[datetime | None]


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
