"""Monthly partitions of the high-volume tables on PostgreSQL: made ahead, dropped when expired."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

from sqlalchemy import Connection, text

# Table → the time column it is partitioned on (migration 0009). Every identifier put into
# SQL below comes from here or from a month number, never from a caller's string.
PARTITIONED: dict[str, str] = {"consent_receipts": "recorded_at", "pageviews": "viewed_at"}
MONTH_NAME = re.compile(r"(?P<table>\w+)_y(?P<year>\d{4})m(?P<month>\d{2})")
PARTITION_NAME = re.compile(rf"({'|'.join(PARTITIONED)})_(default|y\d{{4}}m\d{{2}})")


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic's filter: partitions come and go with retention, not with migrations, so
    comparing the models to the database must neither report nor drop them."""
    return not (type_ == "table" and name is not None and PARTITION_NAME.fullmatch(name))


def is_partitioned(connection: Connection, table: str) -> bool:
    _check(table)
    if connection.dialect.name != "postgresql":
        return False
    kind = connection.scalar(
        text("SELECT relkind FROM pg_class WHERE oid = to_regclass(:table)"), {"table": table}
    )
    return bool(kind == "p")


def ensure_months(connection: Connection, table: str, first: date, last: date) -> int:
    if not is_partitioned(connection, table):
        return 0
    _lock(connection, table)
    existing = set(_month_partitions(connection, table))
    missing = [month for month in _months(first, last) if month not in existing]
    for month in missing:
        _create_month(connection, table, month)
    return len(missing)


def adopt_default(connection: Connection, table: str) -> int:
    if not is_partitioned(connection, table):
        return 0
    default = _default_partition(connection, table)
    if default is None:
        return 0
    month_of = f"CAST(date_trunc('month', {PARTITIONED[table]} AT TIME ZONE 'UTC') AS date)"
    default = connection.dialect.identifier_preparer.quote(default)
    query = f"SELECT DISTINCT {month_of} FROM {default}"  # noqa: S608  # no input in it
    months = connection.scalars(text(query)).all()
    return sum(ensure_months(connection, table, month, month) for month in months)


def drop_months_before(connection: Connection, table: str, cutoff: datetime) -> int:
    if cutoff.tzinfo is None:
        raise ValueError("naive cutoff: pass an aware UTC time from the clock")
    if not is_partitioned(connection, table):
        return 0
    _lock(connection, table)
    dropped = 0
    for month, name in _month_partitions(connection, table).items():
        if _utc(_next_month(month)) <= cutoff:
            count = f"SELECT count(*) FROM {name}"  # noqa: S608  # a name we made
            dropped += connection.scalar(text(count)) or 0
            connection.execute(text(f"ALTER TABLE {table} DETACH PARTITION {name}"))
            connection.execute(text(f"DROP TABLE {name}"))
    return dropped


def _create_month(connection: Connection, table: str, month: date) -> None:
    """Built standalone, then attached: rows of the month waiting in the default partition
    move in before any index exists, and ATTACH builds the indexes once. (CREATE TABLE ...
    PARTITION OF would fail instead: the default partition holds rows of the new range.)"""
    name, column = _name(table, month), PARTITIONED[table]
    lower, upper = _utc(month), _utc(_next_month(month))
    # Inserts wait (reads go on) until the caller commits: a row of the month landing in the
    # default partition while its rows move out would fail the ATTACH, or fail itself with
    # "violates partition constraint" once ATTACH has begun. Rare: a month is made once.
    connection.execute(text(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"))
    # INCLUDING CONSTRAINTS: ATTACH requires every CHECK constraint of the parent.
    connection.execute(text(f"CREATE TABLE {name} (LIKE {table} INCLUDING CONSTRAINTS)"))
    move = (
        f"WITH moved AS (DELETE FROM {table}"  # noqa: S608  # names we made, values bound
        f" WHERE {column} >= :lower AND {column} < :upper RETURNING *)"
        f" INSERT INTO {name} SELECT * FROM moved"
    )
    connection.execute(text(move), {"lower": lower, "upper": upper})
    connection.execute(
        text(
            f"ALTER TABLE {table} ATTACH PARTITION {name}"
            f" FOR VALUES FROM ('{_literal(lower)}') TO ('{_literal(upper)}')"
        )
    )


def _lock(connection: Connection, table: str) -> None:
    """One transaction at a time changes the partitions (two sweeps would both create the
    same month). This lock lets inserts and reads go on; making a month stops inserts,
    and DETACH the whole table, until the caller commits."""
    connection.execute(text(f"LOCK TABLE {table} IN SHARE UPDATE EXCLUSIVE MODE"))


def _children(connection: Connection, table: str) -> dict[str, str]:
    """Each partition of `table` with its bound, as PostgreSQL itself lists them."""
    rows = connection.execute(
        text(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i"
            " JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(:table)"
        ),
        {"table": table},
    )
    return {name: bound for name, bound in rows}


def _default_partition(connection: Connection, table: str) -> str | None:
    names = [name for name, bound in _children(connection, table).items() if bound == "DEFAULT"]
    return names[0] if names else None


def _month_partitions(connection: Connection, table: str) -> dict[date, str]:
    """Month start → partition, for the partitions named as `_create_month` names them;
    any other partition (the default, one made by hand) is never touched."""
    months = {}
    for name in _children(connection, table):
        match = MONTH_NAME.fullmatch(name)
        if match and match["table"] == table:
            months[date(int(match["year"]), int(match["month"]), 1)] = name
    return months


def _months(first: date, last: date) -> Iterator[date]:
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = _next_month(month)


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _name(table: str, month: date) -> str:
    return f"{table}_y{month.year:04d}m{month.month:02d}"


def _utc(month: date) -> datetime:
    return datetime(month.year, month.month, 1, tzinfo=UTC)


def _literal(moment: datetime) -> str:
    """A partition bound is DDL, which takes no parameters: written out, always in UTC."""
    return moment.strftime("%Y-%m-%d %H:%M:%S+00")


def _check(table: str) -> None:
    if table not in PARTITIONED:
        raise ValueError(f"{table!r} is not a partitioned table")
