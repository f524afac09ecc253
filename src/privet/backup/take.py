"""Taking a backup: a snapshot of the live store, sealed, and put in place in one rename.

The file appears under its name only once complete and on disk, so a backup cut short by
a crash or a full disk is never mistaken for one (the half-written file is a dot-file that
the next scheduled backup deletes).
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import IO

from privet.backup import postgres, sqlite
from privet.backup.errors import BackupFailed
from privet.backup.keys import BackupKey
from privet.backup.sealing import Header, new_header, seal
from privet.store.migrate import current_revision
from privet.store.open import Store


def take_backup(store: Store, key: BackupKey, target: Path, now: datetime) -> Header:
    """Seal a consistent snapshot of `store` into the new file `target`."""
    if target.exists():
        raise BackupFailed(f"{target} exists: a backup never overwrites a file")
    descriptor, partial = tempfile.mkstemp(dir=target.parent, prefix=".privet-", suffix=".partial")
    try:
        with os.fdopen(descriptor, "wb") as out:
            header = _sealed_snapshot(store, key, out, now, work=target.parent)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    return header


def _sealed_snapshot(
    store: Store, key: BackupKey, out: IO[bytes], now: datetime, *, work: Path
) -> Header:
    dialect = store.engine.dialect.name
    if dialect == "postgresql":  # streamed: no plain copy of the database on disk
        header = new_header(key, dialect, current_revision(store.engine), now)
        with postgres.dumped(store.engine) as dump:
            seal(dump, out, key, header)
        return header
    # The online backup API writes a database file; it lives, private, only until sealed.
    with tempfile.TemporaryDirectory(dir=work, prefix=".privet-snapshot-") as folder:
        snapshot = Path(folder) / "snapshot.db"
        sqlite.snapshot(store.engine, snapshot)
        header = new_header(key, dialect, sqlite.revision(snapshot), now)
        with snapshot.open("rb") as source:
            seal(source, out, key, header)
    return header
