"""Backups from the terminal: `privet backup FILE` and `privet restore FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from privet.backup.errors import BackupError
from privet.backup.keys import configured_key
from privet.backup.restore import Restored, restore_backup
from privet.backup.take import take_backup
from privet.cli.common import (
    DbOption,
    PolicyOption,
    fail,
    out,
    policy_from,
    settings_from,
    store_from,
)
from privet.clock import SystemClock
from privet.store.crypto import SecretKeyError


def backup(
    file: Annotated[Path, typer.Argument(help="The file to write; it must not exist yet.")],
    db: DbOption = None,
) -> None:
    """Write an encrypted snapshot of the database to FILE while privet keeps serving.

    The snapshot is the database as of one moment (SQLite's online backup API, or
    pg_dump), sealed with AES-256-GCM under a key derived from the secret key. Keep the
    key apart from the backups: without it they cannot be read."""
    settings, clock = settings_from(db=db), SystemClock()
    store = store_from(settings, clock)
    try:
        header = take_backup(store, configured_key(settings), file, clock.now())
    except (BackupError, SecretKeyError) as error:
        fail(str(error))
    finally:
        store.close()
    out.print(
        f"wrote {file}: the {header.dialect} database at revision {header.revision}, "
        f"{file.stat().st_size:,} bytes, sealed with key {header.key_id}",
        highlight=False,
    )
    out.print("keep the secret key apart from this file: without it, it cannot be read")


def restore(
    file: Annotated[
        Path, typer.Argument(help="The backup to restore.", exists=True, dir_okay=False)
    ],
    policy: PolicyOption = None,
    db: DbOption = None,
) -> None:
    """Restore a backup into an empty database, check it, and erase again everyone erased
    since, and unsubscribe again everyone unsubscribed since (the erasure ledger).

    Refused, with nothing written, when the database is not empty, or the file was altered,
    cut short or sealed with another key. The restored database is migrated to the latest
    schema and its key checked (SQLite: its integrity too) before it is used."""
    settings, clock = settings_from(policy, db), SystemClock()
    loaded = policy_from(settings)
    try:
        restored = restore_backup(settings, loaded, file, clock)
    except (BackupError, SecretKeyError) as error:
        fail(str(error))
    for line in _said(restored, settings.erasure_ledger):
        out.print(line, highlight=False)


def _said(restored: Restored, ledger: Path) -> list[str]:
    header, again = restored.header, restored.ledger
    lines = [
        f"restored the {header.dialect} database as it was at "
        f"{header.taken_at:%Y-%m-%d %H:%M:%S} UTC (revision {header.revision})",
        f"checked: the file authenticated with key {header.key_id}, the database opens with "
        f"it, and its schema is at revision {restored.revision}",
        f"erasure ledger {ledger}: {again.erasures} erasures made again, {again.people} "
        f"people the backup still held were erased; {again.unsubscribes} unsubscribes made "
        f"again, {again.subscribers} people the backup still had subscribed were unsubscribed",
    ]
    if again.other_key:
        lines.append(
            f"warning: {again.other_key} ledger entries were made under a key not set "
            "here and could not be matched: add that key to the key file (below the current "
            "one) or to PRIVET_OLD_SECRET_KEYS, and restore again"
        )
    return lines
