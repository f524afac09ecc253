"""Alembic's entry point: migrates the engine privet passes in, or PRIVET_DATABASE_URL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.types import TypeDecorator

from privet.models import Base
from privet.retention.partitions import include_name
from privet.store.crypto import Keyring, decode_secret, generate_secret
from privet.store.engine import DEFAULT_URL, create_store_engine

# Several `privet serve` processes may start together; one migrates, the others wait.
MIGRATION_LOCK = 0x70726976  # "priv"


def render_item(kind: str, item: Any, _context: Any) -> str | Literal[False]:
    """Migrations name plain column types, so later changes to privet's code can't alter them."""
    if kind == "type" and isinstance(item, TypeDecorator):
        return f"sa.{item.impl!r}"
    return False


def run(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


@contextmanager
def _sqlite_foreign_keys_deferred(connection: Connection) -> Iterator[None]:
    """SQLite's batch mode rebuilds a table by dropping it; with foreign keys on, dropping
    `subjects` would cascade into every child table. So keys are off while migrating (the
    pragma is ignored inside a transaction, hence here), and checked once at the end."""
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
        broken = raw.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"migration left {len(broken)} rows with dangling foreign keys")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


engine = context.config.attributes.get("engine")
if engine is None:  # `alembic revision --autogenerate` from a checkout: DDL needs no key
    url = os.environ.get("PRIVET_DATABASE_URL", DEFAULT_URL)
    engine = create_store_engine(url, Keyring(decode_secret(generate_secret())))
with (
    engine.connect() as connection,
    _sqlite_foreign_keys_deferred(connection),
    connection.begin(),
):
    run(connection)
