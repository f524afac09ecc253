"""The database and its keys: `privet db upgrade`, `privet key generate|add`,
`privet rotate-key`."""

from __future__ import annotations

from typing import Annotated

import typer

from privet.auditlog import service as auditlog
from privet.cli.common import (
    DbOption,
    fail,
    out,
    settings_from,
    store_from,
)
from privet.clock import SystemClock
from privet.store.crypto import SecretKeyError, generate_secret
from privet.store.keys import BACKUP_ADVICE, add_key
from privet.store.migrate import current_revision, head_revision, upgrade
from privet.store.rotation import BATCH, Rotation, RotationFailed, rotate

db_app = typer.Typer(help="The database: migrations.", no_args_is_help=True)
key_app = typer.Typer(help="The secret key that encrypts personal fields.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Migrate the database to the latest schema (privet serve also does this on start)."""
    settings = settings_from(db=db)
    store = store_from(settings, SystemClock())
    upgrade(store.engine)
    out.print(f"database at revision {current_revision(store.engine)} (latest: {head_revision()})")


@key_app.command("generate")
def key_generate() -> None:
    """Print a new random secret key, for PRIVET_SECRET_KEY or a key file."""
    out.print(generate_secret(), highlight=False)


@key_app.command("add")
def key_add() -> None:
    """Put a new key at the top of the key file; the older keys stay below it, to read.

    Then restart every privet process and run `privet rotate-key`."""
    settings = settings_from()
    if settings.secret_key:
        fail(
            "the key comes from PRIVET_SECRET_KEY: set it to a new key (`privet key "
            "generate`) and add the old one to PRIVET_OLD_SECRET_KEYS"
        )
    key_file = settings.secret_key_file
    if not key_file.exists():
        fail(f"no key file at {key_file}: privet makes one on first run, with nothing to rotate")
    try:
        ring = add_key(key_file)
    except SecretKeyError as error:
        fail(str(error))
    out.print(f"added key {ring.key_id} to {key_file}; it encrypts from now on", highlight=False)
    out.print(f"older keys, kept to read: {', '.join(ring.key_ids[1:])}", highlight=False)
    out.print(f"{BACKUP_ADVICE}: copy {key_file} now, kept apart from the backups")
    out.print("next: restart every privet process, then run `privet rotate-key`")


BatchOption = Annotated[
    int, typer.Option("--batch-size", min=1, help="Rows a transaction, each table in turn.")
]


def rotate_key(db: DbOption = None, batch_size: BatchOption = BATCH) -> None:
    """Re-encrypt personal fields and recompute blind indexes under the current key.

    In short transactions, while privet keeps serving; safe to stop and run again.
    Exit 0 once nothing is left under an older key."""
    settings, clock = settings_from(db=db), SystemClock()
    store = store_from(settings, clock)
    out.print(f"rotating to key {store.keyring.key_id}", highlight=False)
    try:
        done = rotate(store, batch=batch_size, progress=_table_done)
        with store.transaction() as session:
            details = {"key": done.key_id, "rows": sum(done.rotated.values())}
            auditlog.record(session, auditlog.SHELL, "key_rotated", clock.now(), details=details)
    except RotationFailed as error:
        fail(str(error))
    finally:
        store.close()
    _report(done)
    if not done.complete:
        raise typer.Exit(1)


def _table_done(table: str, rows: int) -> None:
    out.print(f"  {table}: {rows} rows re-encrypted")


def _report(done: Rotation) -> None:
    total = sum(done.rotated.values())
    if not done.complete:
        left = ", ".join(f"{table} {rows}" for table, rows in done.left.items())
        out.print(
            f"{total} rows re-encrypted, but rows are still under an older key ({left}): "
            "written meanwhile by a privet process that has only the old key? Restart "
            "every process with the new key file, then run `privet rotate-key` again"
        )
        return
    out.print(f"done: {total} rows re-encrypted; nothing is left under an older key")
    out.print(
        "keep the older keys in the key file, to read only: they still match "
        f"{done.bare_suppressions} suppressed addresses privet holds no record of (a blind "
        "index cannot be computed again without the address), verify the audit log's "
        "earlier entries, and open backups taken before"
    )
