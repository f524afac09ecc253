"""A subject: one person privet holds data about, known by a blind index of their email."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
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
