"""Consent receipts: one row per decision a visitor makes about cookie categories."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from privet.store.base import Base, RandomId
from privet.store.types import Encrypted


class ConsentReceipt(RandomId, Base):
    """A decision, appended and never changed (an UPDATE is refused by a trigger).

    `record` is the stored form, an ISO/IEC TS 27560 consent record; it names the visitor,
    so it is encrypted. The plain columns are what queries need: the visitor's blind index
    (their latest choice), the time (retention of consent logs counts from it) and the
    outcome (audit, consent rate). A later decision supersedes an earlier one; withdrawal
    is a decision like any other.
    """

    __tablename__ = "consent_receipts"
    __table_args__ = (Index(None, "visitor_index", "recorded_at"),)

    visitor_index: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(index=True)
    policy_version: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(20))  # banner, preferences, api, gpc
    granted: Mapped[list[str]] = mapped_column(JSON)
    denied: Mapped[list[str]] = mapped_column(JSON)
    gpc: Mapped[bool]
    country: Mapped[str | None] = mapped_column(String(2))
    record: Mapped[str] = mapped_column(Encrypted("consent_receipts.record"))
