"""monthly partitions on PostgreSQL for consent receipts and page views

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 09:12:05.118204

Retention then drops an expired month whole instead of deleting it row by row. PostgreSQL
cannot partition a table in place: each is copied into a new partitioned table, with one
partition per month that has rows and a default partition so an insert never fails.
SQLite has no partitions; nothing changes there.
"""

from collections.abc import Sequence
from datetime import date

from alembic import op
from sqlalchemy import text

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Table → (partition key, {index name: its columns}), as the models name them.
TABLES = {
    "consent_receipts": (
        "recorded_at",
        {
            "ix_consent_receipts_recorded_at": "recorded_at",
            "ix_consent_receipts_visitor_index_recorded_at": "visitor_index, recorded_at",
        },
    ),
    "pageviews": (
        "viewed_at",
        {"ix_pageviews_viewed_at": "viewed_at", "ix_pageviews_visitor": "visitor"},
    ),
}

# The append-only trigger of 0005, made again on the new table; PostgreSQL 13+ clones a
# row trigger of a partitioned table onto every partition, present and future.
DECISION_COLUMNS = "id, recorded_at, policy_version, method, granted, denied, gpc, country"
TRIGGER = f"""
CREATE TRIGGER consent_receipts_append_only
BEFORE UPDATE OF {DECISION_COLUMNS} ON consent_receipts
FOR EACH ROW EXECUTE FUNCTION consent_receipts_append_only()
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, (column, indexes) in TABLES.items():
        _partition(table, column, indexes)
    op.execute(TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, (column, indexes) in TABLES.items():
        _unpartition(table, column, indexes)
    op.execute(TRIGGER)


def _partition(table: str, column: str, indexes: dict[str, str]) -> None:
    old = _set_aside(table, indexes)
    op.execute(f"CREATE TABLE {table} (LIKE {old}) PARTITION BY RANGE ({column})")
    op.execute(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")
    month_of = f"CAST(date_trunc('month', {column} AT TIME ZONE 'UTC') AS date)"
    query = f"SELECT DISTINCT {month_of} FROM {old}"  # noqa: S608  # no input in it
    for month in op.get_bind().scalars(text(query)).all():
        upper = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        op.execute(
            f"CREATE TABLE {table}_y{month:%Ym%m} PARTITION OF {table}"
            f" FOR VALUES FROM ('{month} 00:00:00+00') TO ('{upper} 00:00:00+00')"
        )
    # PostgreSQL wants the partition key in every unique key, the primary key included.
    _copy_and_index(old, table, f"id, {column}", indexes)


def _unpartition(table: str, column: str, indexes: dict[str, str]) -> None:
    old = _set_aside(table, indexes)
    op.execute(f"CREATE TABLE {table} (LIKE {old})")
    _copy_and_index(old, table, "id", indexes)


def _set_aside(table: str, indexes: dict[str, str]) -> str:
    """Renames `table` out of the way and frees its constraint and index names for the new
    table; the old one is dropped once its rows are copied."""
    old = f"{table}_old"
    op.execute(f"ALTER TABLE {table} RENAME TO {old}")
    op.execute(f"ALTER TABLE {old} DROP CONSTRAINT pk_{table}")
    for name in indexes:
        op.execute(f"DROP INDEX {name}")
    return old


def _copy_and_index(old: str, table: str, key: str, indexes: dict[str, str]) -> None:
    """Indexes are built after the copy: one sort each instead of an insert per row.
    Dropping the old table drops its trigger, and its partitions if it had any."""
    op.execute(f"INSERT INTO {table} SELECT * FROM {old}")  # noqa: S608  # no input in it
    op.execute(f"ALTER TABLE {table} ADD CONSTRAINT pk_{table} PRIMARY KEY ({key})")
    for name, columns in indexes.items():
        op.execute(f"CREATE INDEX {name} ON {table} ({columns})")
    op.execute(f"DROP TABLE {old}")
