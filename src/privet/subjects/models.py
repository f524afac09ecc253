"""A subject: one person privet holds data about, known by a blind index of their email."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from privet.store.base import Base, RandomId
from privet.store.types import Encrypted


class Subject(RandomId, Base):
    """Every record about a person points here (a foreign key to `subjects.id`), which is
    how `service.stored_about` finds all of it for export and erasure."""

    __tablename__ = "subjects"

    # HMAC of the normalised address: lookups without the address ever being stored in clear.
    email_index: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(Encrypted("subjects.email"))
    phone: Mapped[str | None] = mapped_column(Encrypted("subjects.phone"))
    created_at: Mapped[datetime]
    # The anchor of "leads are kept 3 years after last contact" (ntoprog §4).
    last_contact_at: Mapped[datetime | None]
    # Objection to direct marketing (GDPR art. 21(2)) and restriction of processing
    # (art. 18): while set, the subject is left out of every marketing export.
    objected_at: Mapped[datetime | None]
    restricted_at: Mapped[datetime | None]


class SubjectVisitor(Base):
    """A browser known to be the subject's: it sent a form or a request carrying the
    consent cookie. This is how the banner's receipts, filed under a random visitor id,
    reach the person's export. Only the visitor id's blind index is kept."""

    __tablename__ = "subject_visitors"

    subject_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True
    )
    visitor_index: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    linked_at: Mapped[datetime]
