"""Engines for SQLite (the embedded default) and PostgreSQL, and the session factory."""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from privet.store.crypto import Keyring

DEFAULT_URL = "sqlite:///privet.db"


def normalise_url(url: str) -> str:
    """Plain `postgresql://` URLs use psycopg 3, the driver privet ships with."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def create_store_engine(url: str, keyring: Keyring) -> Engine:
    url = normalise_url(url)
    is_sqlite = make_url(url).get_backend_name() == "sqlite"
    # hide_parameters: an error message must never carry a bound value, which may be personal.
    engine = create_engine(url, pool_pre_ping=not is_sqlite, hide_parameters=True)
    if is_sqlite:
        _create_private_file(make_url(url).database)
        _tune_sqlite(engine)
    # The keyring travels with the engine, so encrypted columns of two stores opened in one
    # process (tests, key rotation) never use each other's keys.
    engine.dialect.privet_keyring = keyring  # type: ignore[attr-defined]  # read by types.keyring_of
    return engine


def _create_private_file(database: str | None) -> None:
    """Make a new SQLite file readable by its owner only; SQLite gives -wal and -shm the same."""
    if database and database != ":memory:" and not os.path.exists(database):
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, say when transactions begin, so that
        # SAVEPOINT and transactional DDL (migrations) behave as on PostgreSQL.
        connection.isolation_level = None
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: an acknowledged write survives power loss, not only a process kill.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # SQLite's lock waiting is not first come, first served: under a burst a few
        # transactions wait long. Waiting up to 30 s beats failing a submission.
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE: take the write lock up front. A deferred transaction that reads, then
        # writes after another process wrote, fails at once with "database is locked",
        # whatever busy_timeout says; an immediate one waits its turn.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
