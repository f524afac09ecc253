"""The `audit_log` table: one row an action, each sealing the one before it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from privet.store.base import Base


class AuditEntry(Base):
    """An action, by whom, on what (ids only), with counts; never a personal value.

    `seq` is privet's own strictly increasing number, not a database sequence: the chain
    needs the previous entry anyway, and a number taken under the append lock has no gaps.
    """

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(index=True)
    # A staff user's id, "privet" (automatic), "cli" (the operator's shell) or "anonymous".
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32), index=True)
    target_kind: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    # Canonical JSON, stored as the very text that was hashed.
    details: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
