"""A contract: what makes a subject a client, kept under its own category and anchor."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from privet.store.base import Base, RandomId
from privet.store.types import Encrypted


class Contract(RandomId, Base):
    """Contract data is kept apart from the leads a client came from: the law (accounting,
    tax) sets its retention from the contract's end, and an erasure request must leave it
    in place until then. So each row names the category, purpose and legal basis it is
    held under, as the policy stood when it was recorded."""

    __tablename__ = "contracts"
    # The reference is sealed with a random nonce, so uniqueness is kept on its blind index.
    __table_args__ = (UniqueConstraint("subject_id", "reference_index"),)

    subject_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("subjects.id", ondelete="CASCADE"), index=True
    )
    reference: Mapped[str] = mapped_column(Encrypted("contracts.reference"))
    reference_index: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(String(100))
    legal_basis: Mapped[str] = mapped_column(String(32))
    policy_version: Mapped[str] = mapped_column(String(64))
    starts_on: Mapped[date]
    # The retention anchor ("10 years after contract end"); open while the contract runs.
    ends_on: Mapped[date | None]
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
