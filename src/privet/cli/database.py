"""The database and its key: `privet db upgrade`, `privet key generate`."""

from __future__ import annotations

import typer

from privet.cli.common import (
    DbOption,
    out,
    settings_from,
    store_from,
)
from privet.clock import SystemClock
from privet.store.crypto import generate_secret
from privet.store.migrate import current_revision, head_revision, upgrade

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
