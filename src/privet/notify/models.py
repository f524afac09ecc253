"""The outbox: every email privet sends, queued in the database until a delivery run sends it."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from privet.store.base import Base, RandomId
from privet.store.types import Encrypted

LAST_ERROR_LENGTH = 200


class OutboxMessage(RandomId, Base):
    """One email. The table is the queue: a delivery run claims a row with a conditional
    UPDATE of `claimed_until`, so two processes never send the same message."""

    __tablename__ = "outbox_messages"

    # Mail sent to a person is data about them: export and erasure find it through this key.
    subject_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("subjects.id", ondelete="CASCADE"), index=True
    )
    recipient: Mapped[str] = mapped_column(Encrypted("outbox_messages.recipient"))
    # Stored in clear, shown in logs and admin lists, and read by every relay on the way:
    # callers must never put personal data (a name, an address, a code) in a subject line.
    subject_line: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Encrypted("outbox_messages.body"))
    html: Mapped[str | None] = mapped_column(Encrypted("outbox_messages.html"))
    # Extra headers (List-Unsubscribe carries a personal token) as a JSON object.
    headers: Mapped[str] = mapped_column(Encrypted("outbox_messages.headers"))
    created_at: Mapped[datetime]
    send_after: Mapped[datetime] = mapped_column(index=True)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    # Why the last attempt failed: codes and exception names only, never the server's
    # text, which often quotes the recipient's address.
    last_error: Mapped[str | None] = mapped_column(String(LAST_ERROR_LENGTH))
    # Deleted once sent rather than kept as a record: mail to someone privet must forget
    # (the answer to an erasure) or that holds a one-time secret (a verification code).
    forget_when_sent: Mapped[bool] = mapped_column(default=False)
    # A delivery run's lease: until then no other run may take this message.
    claimed_until: Mapped[datetime | None]
