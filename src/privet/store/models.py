"""The store's own table: proof of which key the database was written with."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from privet.store.base import Base


class KeyCheck(Base):
    """One row: a value encrypted under the current key, tried at every start."""

    __tablename__ = "store_key_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(String(16))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
