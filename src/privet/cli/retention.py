"""Retention from the terminal: `privet sweep` applies the rules, `privet audit` checks
the promises, `privet holds` keeps records past their rules."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.progress import Progress as Bar
from rich.table import Table

from privet.cli.common import (
    AsOfOption,
    DbOption,
    PolicyOption,
    clock_for,
    fail,
    out,
    policy_from,
    refuse,
    settings_from,
    store_from,
)
from privet.clock import Clock
from privet.policy.schema import Policy
from privet.retention.audit import run_audit
from privet.retention.holds import (
    HoldError,
    Target,
    covered,
    lift_hold,
    list_holds,
    place_hold,
)
from privet.retention.sweep import BATCH, Outcome, Progress, SweepBusy, SweepReport
from privet.retention.sweep import sweep as run_sweep
from privet.store.open import Store


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
    hold kept, with a progress bar on a terminal. Safe to interrupt and run again.
    `privet serve` runs it daily by itself."""
    settings, clock = settings_from(policy, db), clock_for(as_of)
    loaded, store = policy_from(settings), store_from(settings, clock)
    try:
        if dry_run:
            report = run_sweep(store, loaded, clock, dry_run=True)
        else:
            with _progress(store, loaded, clock) as progress:
                report = run_sweep(store, loaded, clock, batch=batch_size, progress=progress)
    except SweepBusy as error:
        fail(f"{error}: try again when it has finished")
    finally:
        store.close()
    out.print(_table(report))


@contextlib.contextmanager
def _progress(store: Store, policy: Policy, clock: Clock) -> Iterator[Progress | None]:
    """A progress bar on a terminal, its total counted first (counting is far cheaper
    than deleting); nothing when the output is piped or logged."""
    if not out.is_terminal:
        yield None
        return
    counted = run_sweep(store, policy, clock, dry_run=True)
    total = sum(outcome.due - outcome.held for outcome in counted.outcomes)
    done: dict[tuple[str, str], int] = {}
    with Bar(console=out, transient=True) as bar:
        task = bar.add_task("sweeping", total=total)

        def advance(rule: str, records: str, count: int) -> None:
            done[rule, records] = count
            bar.update(task, completed=sum(done.values()), description=f"{rule} ({records})")

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


def audit(
    *,
    policy: PolicyOption = None,
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Check the store against every promise of the policy; exit 1 on any finding.

    Records kept past their rule, page views without consent, marketing consents of people
    who objected, requests past their deadline, processors outside the storage region,
    data under a category the policy does not declare, sweeps that failed or stopped, and
    backups promised but not scheduled or stopped."""
    settings, clock = settings_from(policy, db), clock_for(as_of)
    loaded, store = policy_from(settings), store_from(settings, clock)
    with store.transaction() as session:
        findings = run_audit(session, loaded, clock.now(), settings)
    store.close()
    when = f"{clock.now():%Y-%m-%d %H:%M} UTC"
    if not findings:
        out.print(f"No finding: the store keeps every promise of the policy as of {when}.")
        return
    for finding in findings:
        out.print(f"{finding.check}: {finding.message}", highlight=False)
    out.print(f"{len(findings)} finding(s) as of {when}.")
    raise typer.Exit(1)


holds_app = typer.Typer(help="Legal holds: keep records past their rule and out of erasure.")


@holds_app.command("list")
def list_(
    *,
    lifted: Annotated[bool, typer.Option("--lifted", help="Show lifted holds too.")] = False,
    db: DbOption = None,
    policy: PolicyOption = None,
) -> None:
    """The holds in force (and with --lifted, the ended ones): what each covers and why."""
    settings, clock = settings_from(policy, db), clock_for(None)
    store = store_from(settings, clock)
    table = Table("covers", "reason", "placed", "ends", "lifted")
    table.add_column("id", no_wrap=True)
    with store.transaction() as session:
        for hold in list_holds(session, include_lifted=lifted):
            table.add_row(covered(hold), hold.reason, _day(hold.placed_at), _day(hold.ends_at),
                          _day(hold.lifted_at), str(hold.id))  # fmt: skip
    store.close()
    out.print(table)


@holds_app.command()
def place(
    *,
    reason: Annotated[str, typer.Option(help="Why, e.g. complaint, prospect of litigation.")],
    email: Annotated[str | None, typer.Option(help="Hold everything about this person.")] = None,
    request: Annotated[str | None, typer.Option(help="Hold this request's record.")] = None,
    category: Annotated[str | None, typer.Option(help="Hold every record of a category.")] = None,
    until: Annotated[datetime | None, typer.Option(help="End it on this day.")] = None,
    note: Annotated[str | None, typer.Option(help="A case number, who asked.")] = None,
    policy: PolicyOption = None,
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Place a legal hold on one person, one request or one data category."""
    settings, clock = settings_from(policy, db), clock_for(as_of)
    loaded, store = policy_from(settings), store_from(settings, clock)
    try:
        target = Target(email, uuid.UUID(request) if request else None, category)
        with store.transaction() as session:
            ends = until.replace(tzinfo=UTC) if until else None
            hold = place_hold(session, loaded, target, reason=reason, now=clock.now(),
                              staff_id=None, ends_at=ends, note=note)  # fmt: skip
            out.print(f"hold {hold.id} placed: {covered(hold)}, {hold.reason}", highlight=False)
    except HoldError as error:
        refuse(f"{error.field}: {error}")
    except ValueError:
        refuse("request: not a request id")
    finally:
        store.close()


@holds_app.command()
def lift(
    hold_id: Annotated[str, typer.Argument(help="The hold's id (privet holds list).")],
    *,
    db: DbOption = None,
    policy: PolicyOption = None,
    as_of: AsOfOption = None,
) -> None:
    """End a hold now; it stays on record with when it was lifted."""
    settings, clock = settings_from(policy, db), clock_for(as_of)
    store = store_from(settings, clock)
    try:
        with store.transaction() as session:
            lift_hold(session, uuid.UUID(hold_id), now=clock.now(), staff_id=None)
        out.print(f"hold {hold_id} lifted")
    except (HoldError, ValueError):
        refuse("no hold has this id")
    finally:
        store.close()


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else ""
