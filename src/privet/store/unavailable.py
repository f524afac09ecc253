"""Telling a database that cannot serve for now (full, read-only, unreachable) from a bug.

These conditions pass: space is freed, a failover ends, the server comes back, and the same
request then succeeds. So the web layer answers them 503 with Retry-After, not 500. Any
other error the database raises stays an unexpected one.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

STORAGE_FULL, READ_ONLY, UNREACHABLE = "storage_full", "read_only", "database_unavailable"
# SQLite's primary result codes; an extended code keeps its primary one in the low byte.
SQLITE_REASONS = {
    5: UNREACHABLE,  # SQLITE_BUSY: still locked after busy_timeout
    8: READ_ONLY,  # SQLITE_READONLY: a read-only file, folder or file system
    10: UNREACHABLE,  # SQLITE_IOERR: the disk failed the read or write
    13: STORAGE_FULL,  # SQLITE_FULL: the disk (or max_page_count) is full
    14: UNREACHABLE,  # SQLITE_CANTOPEN: the file or its folder went away
}
# PostgreSQL's SQLSTATEs, a whole condition or, shorter, the class it starts with.
POSTGRES_REASONS = {
    "53100": STORAGE_FULL,  # disk_full
    "25006": READ_ONLY,  # read_only_sql_transaction: a standby, or read-only by setting
    "08": UNREACHABLE,  # connection_exception
    "53": UNREACHABLE,  # insufficient_resources: memory, connections
    "57P01": UNREACHABLE,  # admin_shutdown
    "57P02": UNREACHABLE,  # crash_shutdown
    "57P03": UNREACHABLE,  # cannot_connect_now: starting up or recovering
}


@dataclass(frozen=True)
class Unavailable:
    reason: str  # storage_full, read_only or database_unavailable: the error code clients see
    code: str  # the database's own code (SQLITE_FULL, 25006): unlike its message, never personal


def why_unavailable(error: BaseException) -> Unavailable | None:
    """Why the database cannot serve now, or None when `error` is no passing condition."""
    if isinstance(error, PoolTimeout):  # every pooled connection stayed busy
        return Unavailable(UNREACHABLE, "pool_timeout")
    if not isinstance(error, DBAPIError):
        return None
    original = error.orig
    if isinstance(original, sqlite3.Error):
        reason = SQLITE_REASONS.get(original.sqlite_errorcode & 0xFF)
        return Unavailable(reason, original.sqlite_errorname) if reason else None
    sqlstate = getattr(original, "sqlstate", "")
    if sqlstate is None and isinstance(error, OperationalError):
        # psycopg gives no SQLSTATE when no server answered: refused, closed, timed out.
        return Unavailable(UNREACHABLE, "no_connection")
    if error.connection_invalidated:
        return Unavailable(UNREACHABLE, str(sqlstate or "disconnected"))
    sqlstate = str(sqlstate or "")
    reason = POSTGRES_REASONS.get(sqlstate) or POSTGRES_REASONS.get(sqlstate[:2])
    return Unavailable(reason, sqlstate) if reason else None


def database_code(error: BaseException) -> str | None:
    """The database's own code for `error` (SQLITE_BUSY, 40P01), which, unlike its message,
    never quotes a row: what a log line may say of a failed statement."""
    original = getattr(error, "orig", None)
    if isinstance(original, sqlite3.Error):
        return original.sqlite_errorname
    code = getattr(original, "sqlstate", None)
    return str(code) if code else None
