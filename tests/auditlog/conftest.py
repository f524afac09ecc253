"""What the audit log tests share: a log with a few entries, and the hand of someone who
has the database but not privet's key."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from conftest import NOW
from privet.auditlog.service import record
from privet.store.open import Store
from retention.conftest import plant

__all__ = ["dump", "fill", "plant", "swap", "tamper"]

COLUMNS = ("at", "actor", "action", "target_kind", "target_id", "details", "prev_hash", "hash")


def fill(store: Store, count: int) -> None:
    """`count` entries, each in its own transaction, as actions come."""
    for number in range(count):
        with store.transaction() as session:
            record(session, "privet", "sweep", NOW, details={"deleted": number})


def tamper(store: Store, sql: str, **values: Any) -> None:
    """Raw SQL past the append-only triggers, which anyone owning the database can drop."""
    with store.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log"))
        else:
            connection.execute(text("DROP TRIGGER IF EXISTS audit_log_append_only_update"))
            connection.execute(text("DROP TRIGGER IF EXISTS audit_log_append_only_delete"))
        connection.execute(text(sql), values)


def swap(store: Store, first: int, second: int) -> None:
    """Exchange everything but the sequence numbers of two entries: the order changes."""
    with store.engine.connect() as connection:
        query = text(f"SELECT {', '.join(COLUMNS)} FROM audit_log WHERE seq = :seq")
        rows = {seq: connection.execute(query, {"seq": seq}).one()._asdict()
                for seq in (first, second)}  # fmt: skip
    assignments = ", ".join(f"{column} = :{column}" for column in COLUMNS)
    for seq, other in ((first, second), (second, first)):
        tamper(
            store, f"UPDATE audit_log SET {assignments} WHERE seq = :seq", seq=seq, **rows[other]
        )


def dump(store: Store) -> str:
    """Every value of every entry, as text: what a thief of the table would read."""
    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM audit_log")).all()
    return "\n".join(" ".join(str(value) for value in row) for row in rows)
