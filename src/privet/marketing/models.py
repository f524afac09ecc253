"""Marketing consent with its proof, and the suppression list that outlives everything."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from privet.store.base import Base, RandomId


class MarketingConsent(RandomId, Base):
    """One opt-in, with what proves it (GDPR art. 7(1)): when, through which form, under
    which policy version, and the exact words shown next to the box."""

    __tablename__ = "marketing_consents"

    subject_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("subjects.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[str] = mapped_column(String(20))  # form, api
    form: Mapped[str | None] = mapped_column(String(100))
    wording: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    policy_version: Mapped[str] = mapped_column(String(64))
    given_at: Mapped[datetime]
    # Double opt-in: set when the address's owner follows the emailed link; with single
    # opt-in it equals given_at. Only confirmed consents are mailed.
    confirmed_at: Mapped[datetime | None]
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    withdrawn_at: Mapped[datetime | None]


class Suppression(Base):
    """An address that must never be mailed again, kept only as its blind index.

    It has no link to a subject on purpose: it survives the person's erasure, and a later
    import or form cannot silently re-subscribe them (only a confirmed opt-in can)."""

    __tablename__ = "marketing_suppressions"

    email_index: Mapped[str] = mapped_column(String(64), primary_key=True)
    suppressed_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(20))  # unsubscribe, complaint, staff
