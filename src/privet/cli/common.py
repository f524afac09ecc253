"""What every command shares: the options, the console, and opening what a command needs
with a one-line error instead of a traceback."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from privet.clock import Clock, FixedClock, SystemClock
from privet.config import SETTINGS, Settings, SettingsError
from privet.logs import configure_logging
from privet.notify.transport import Transport, transport_for
from privet.policy.load import PolicyError, load_policy
from privet.policy.schema import Policy
from privet.store.crypto import SecretKeyError
from privet.store.open import Store, open_store

out = Console()

PolicyOption = Annotated[
    Path | None,
    typer.Option(
        "--policy",
        envvar=SETTINGS["policy"].env,
        help=f"{SETTINGS['policy'].help} Default: {SETTINGS['policy'].default}.",
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar=SETTINGS["database_url"].env,
        help=f"{SETTINGS['database_url'].help} Default: {SETTINGS['database_url'].default}.",
    ),
]
AsOfOption = Annotated[
    datetime | None,
    typer.Option(
        "--as-of", help="Act as if it were this date (YYYY-MM-DD), for trying time rules."
    ),
]


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def settings_from(policy: Path | None = None, db: str | None = None) -> Settings:
    try:
        settings = Settings.from_env(policy=policy, database_url=db)
    except SettingsError as error:
        fail(str(error))
    configure_logging(settings.log_level)
    return settings


def clock_for(as_of: datetime | None) -> Clock:
    return FixedClock(as_of.replace(tzinfo=UTC)) if as_of else SystemClock()


def policy_from(settings: Settings) -> Policy:
    try:
        return load_policy(settings.policy)
    except PolicyError as error:
        typer.echo(str(error), err=True)  # never wrapped: editors jump to FILE:LINE
        raise typer.Exit(1) from None


def transport_from(settings: Settings) -> Transport:
    try:
        return transport_for(settings)
    except SettingsError as error:
        fail(str(error))


def store_from(settings: Settings, clock: Clock) -> Store:
    try:
        return open_store(settings, clock)
    except SecretKeyError as error:
        fail(str(error))


def refuse(message: str) -> NoReturn:
    """Bad input: exit 2, as for a usage error, so scripts can tell it from a failure."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)
