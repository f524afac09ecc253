"""Retention from the terminal: `privet sweep` applies the rules, `privet holds` keeps
records past them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Annotated

import typer
from rich.progress import Progress as Bar
from rich.progress import SpinnerColumn, TextColumn
from rich.table import Table

from privet.cli.common import (
    AsOfOption,
    DbOption,
    PolicyOption,
    clock_for,
    fail,
    out,
    policy_from,
    settings_from,
    store_from,
)
from privet.retention.sweep import BATCH, Outcome, Progress, SweepBusy, SweepReport
from privet.retention.sweep import sweep as run_sweep


def sweep(
    *,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what is due; change nothing.")
    ] = False,
    batch_size: Annotated[
        int, typer.Option(min=1, help="Records deleted per transaction.")
    ] = BATCH,
    policy: PolicyOption = None,
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Apply every retention rule now: delete or anonymise what is past its time.

    Prints, per rule, the records due, what was deleted or anonymised, and what a legal
    hold kept. Safe to interrupt and run again. `privet serve` runs it daily by itself."""
    settings, clock = settings_from(policy, db), clock_for(as_of)
    loaded, store = policy_from(settings), store_from(settings, clock)
    try:
        with _progress() as progress:
            report = run_sweep(
                store, loaded, clock, dry_run=dry_run, batch=batch_size, progress=progress
            )
    except SweepBusy as error:
        fail(f"{error}: try again when it has finished")
    finally:
        store.close()
    out.print(_table(report))


@contextlib.contextmanager
def _progress() -> Iterator[Progress | None]:
    """A spinner with a running count on a terminal; nothing when output is piped."""
    if not out.is_terminal:
        yield None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"))
    with Bar(*columns, console=out, transient=True) as bar:
        task = bar.add_task("sweeping")

        def advance(rule: str, records: str, done: int) -> None:
            bar.update(task, description=f"{rule} ({records}): {done:,} records")

        yield advance


def _table(report: SweepReport) -> Table:
    verb = "would go" if report.dry_run else "done"
    title = f"Retention as of {report.as_of:%Y-%m-%d %H:%M} UTC" + (
        " (dry run: nothing changed)" if report.dry_run else ""
    )
    table = Table("rule", "records", "due", verb, "kept under hold", title=title)
    for outcome in report.outcomes:
        done = f"{outcome.due - outcome.held:,}" if report.dry_run else _done(outcome)
        table.add_row(outcome.rule, outcome.records, f"{outcome.due:,}", done, f"{outcome.held:,}")
    return table


def _done(outcome: Outcome) -> str:
    deleted, anonymised = outcome.deleted, outcome.anonymised
    parts = [f"{deleted:,} deleted"] if deleted or not anonymised else []
    if anonymised:
        parts.append(f"{anonymised:,} anonymised")
    return ", ".join(parts)
