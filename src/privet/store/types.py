"""Column types: UTC timestamps on both databases, and encrypted personal fields."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, LargeBinary
from sqlalchemy.types import TypeDecorator

from privet.store.crypto import Keyring


def keyring_of(dialect: Dialect) -> Keyring:
    """The keyring of the engine that owns `dialect` (see `engine.create_store_engine`)."""
    keyring = getattr(dialect, "privet_keyring", None)
    if keyring is None:
        raise RuntimeError("this engine was created without a keyring: use create_store_engine")
    return keyring  # type: ignore[no-any-return]  # set by create_store_engine, always a Keyring


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out; SQLite would drop the zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC time from the clock")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Encrypted(TypeDecorator[str]):
    """A personal field, stored as AES-GCM ciphertext bound to its column's name.

    `context` is the column's "table.column"; it is authenticated with the ciphertext so a
    value copied into another column fails to decrypt instead of silently moving.
    """

    impl = LargeBinary
    cache_ok = True

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def process_bind_param(self, value: str | None, dialect: Dialect) -> bytes | None:
        return None if value is None else keyring_of(dialect).encrypt(value, self.context)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else keyring_of(dialect).decrypt(bytes(value), self.context)
