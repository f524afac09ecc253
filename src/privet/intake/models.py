"""A submission: what one person sent through one declared form, and under which promise."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from privet.store.base import Base, RandomId
from privet.store.types import Encrypted


class Submission(RandomId, Base):
    __tablename__ = "submissions"

    # Cleared when retention anonymises the submission: what is left is about nobody.
    subject_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("subjects.id", ondelete="CASCADE"), index=True
    )
    form: Mapped[str] = mapped_column(String(100))
    # The promise it was collected under, as the policy stood then (GDPR art. 5(2),
    # accountability): retention and erasure later decide by these, not today's policy.
    purpose: Mapped[str] = mapped_column(String(100))
    legal_basis: Mapped[str] = mapped_column(String(32))
    categories: Mapped[str] = mapped_column(String(255))
    policy_version: Mapped[str] = mapped_column(String(64))
    # The cleaned values as JSON, sealed as one: the field names are personal context too.
    fields: Mapped[str] = mapped_column(Encrypted("submissions.fields"))
    submitted_at: Mapped[datetime]
    # Flagged by staff as objectionable: the submission then moves to the policy's abuse
    # purpose and category, and is kept by that category's rule.
    flagged_at: Mapped[datetime | None]
    flagged_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    flag_note: Mapped[str | None] = mapped_column(Encrypted("submissions.flag_note"))
