"""What the backup tests share: the backup key of the tests' secret, and opening a restored
database (the empty database to restore into is `empty_url`, in tests/conftest.py)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select

from conftest import TEST_SECRET, make_settings
from privet.backup.keys import backup_key
from privet.clock import Clock
from privet.models import Base
from privet.store.crypto import decode_secret
from privet.store.open import Store, open_store

KEY = backup_key(decode_secret(TEST_SECRET))


@contextlib.contextmanager
def opened(url: str, tmp_path: Path, clock: Clock) -> Iterator[Store]:
    store = open_store(make_settings(tmp_path, url), clock)
    try:
        yield store
    finally:
        store.close()


def every_row(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows, decrypted, in a stable order: what a faithful copy must equal."""
    found = {}
    with store.transaction() as session:
        for table in Base.metadata.sorted_tables:
            rows = session.execute(select(table).order_by(*table.primary_key.columns))
            found[table.name] = [dict(row._mapping) for row in rows]
    return found
