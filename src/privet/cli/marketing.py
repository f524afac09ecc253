"""Who may receive marketing email: `privet marketing export`."""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TextIO

import typer

from privet.auditlog import service as auditlog
from privet.cli.common import (
    DbOption,
    PolicyOption,
    policy_from,
    refuse,
    settings_from,
    store_from,
)
from privet.clock import SystemClock
from privet.marketing import export
from privet.marketing.service import NoMarketing

marketing_app = typer.Typer(help="Who may receive marketing email.", no_args_is_help=True)


@marketing_app.command("export")
def marketing_export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE (mode 0600), not stdout.")
    ] = None,
    policy: PolicyOption = None,
    db: DbOption = None,
) -> None:
    """List who may be mailed now, as CSV for a mailing processor.

    Columns: email, name, language, consented_at, policy_version, unsubscribe_url. Left
    out: suppressed addresses, objecting or restricted people, unconfirmed or withdrawn
    opt-ins."""
    settings = settings_from(policy, db)
    loaded = policy_from(settings)
    clock = SystemClock()
    store = store_from(settings, clock)
    with store.transaction() as session:
        try:
            rows = [r.row() for r in export.mailable(session, loaded, settings.base_url)]
        except NoMarketing:
            refuse("the policy has no marketing section: nobody may be mailed")
        auditlog.record(session, auditlog.SHELL, "view", clock.now(),
                        details={"what": "marketing export", "count": len(rows)})  # fmt: skip
    with _output(output) as stream:
        writer = csv.writer(stream)
        writer.writerow(export.COLUMNS)
        writer.writerows([_csv_safe(cell) for cell in row] for row in rows)
    typer.echo(f"may be mailed: {len(rows)}", err=True)


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(descriptor, "w", newline="", encoding="utf-8") as stream:
        yield stream


def _csv_safe(cell: str) -> str:
    """A name typed into a form must not run as a formula in the spreadsheet it lands in."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
