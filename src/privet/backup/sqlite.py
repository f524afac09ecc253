"""SQLite: a snapshot through the online backup API, and the checks of a restored file."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine

from privet.backup.errors import BackupFailed


def snapshot(engine: Engine, target: Path) -> None:
    """Copy the live database into `target` as it was at one moment, while others write.

    In one step (all pages at once): the copy is made inside one read transaction, which
    WAL lets writers work beside. A copy in several steps starts over whenever another
    connection writes, and under steady writes would never end."""
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    raw = engine.raw_connection()
    try:
        with _connected(target) as copy:
            source = raw.driver_connection
            assert isinstance(source, sqlite3.Connection)  # a SQLite engine's driver
            source.backup(copy)
    finally:
        raw.close()


def revision(database: Path) -> str | None:
    """The Alembic revision a snapshot is at."""
    with _connected(database) as connection:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(row[0]) if row else None


def holds_anything(database: Path) -> bool:
    """Whether `database` exists with any table in it, or is not a SQLite file at all."""
    if not database.exists():
        return False
    try:
        with _connected(database) as connection:
            count = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError:
        return True
    return bool(count)


def check_integrity(database: Path) -> None:
    with _connected(database) as connection:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    if rows != [("ok",)]:
        raise BackupFailed("the restored SQLite file failed PRAGMA integrity_check")


def checkpoint(database: Path) -> None:
    """Fold the write-ahead log into the file, so the file alone is the database."""
    with _connected(database) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def put_in_place(checked: Path, target: Path) -> None:
    """Move the restored, checked file over `target` in one rename.

    A write-ahead log left by the empty database it replaces must go first: SQLite would
    otherwise replay it into the restored file."""
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
        Path(f"{checked}{suffix}").unlink(missing_ok=True)  # empty after `checkpoint`
    os.replace(checked, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a power cut
    finally:
        os.close(directory)


@contextlib.contextmanager
def _connected(database: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        yield connection
    finally:
        connection.close()
