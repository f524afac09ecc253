"""`privet audit-log`: check the hash chain of the audit log, and read the log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from privet.auditlog.chain import Head
from privet.auditlog.service import ACTIONS, details_of, recent
from privet.auditlog.verify import verify as verify_chain
from privet.cli.common import DbOption, clock_for, out, refuse, settings_from, store_from

audit_log_app = typer.Typer(
    help="The audit log: every action on personal data, chained by hash.", no_args_is_help=True
)


@audit_log_app.command()
def verify(
    *,
    expect_head: Annotated[
        str | None,
        typer.Option(
            help="SEQ:HASH printed by an earlier verify: entries deleted from the end since "
            "are found too."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Check every entry of the audit log against its hash and the one before it.

    Exit 0 printing the head (the last entry's number and hash): keep it somewhere the
    database cannot reach and pass it as --expect-head next time. Exit 1 naming the first
    entry that was edited, deleted or reordered."""
    try:
        expect = Head.parse(expect_head) if expect_head is not None else None
    except ValueError as error:
        refuse(f"--expect-head: {error}")
    store = store_from(settings_from(None, db), clock_for(None))
    try:
        verdict = verify_chain(store, expect=expect)
    finally:
        store.close()
    if verdict.broken is not None:
        broken = verdict.broken
        typer.echo(f"entry {broken.seq}: {broken.reason}: {broken.message}", err=True)
        typer.echo(f"{verdict.checked:,} entries sound before it; last sound: {verdict.head}")
        raise typer.Exit(1)
    out.print(f"chain intact: {verdict.checked:,} entries", highlight=False)
    out.print(f"head {verdict.head}", highlight=False)


@audit_log_app.command()
def show(
    *,
    since: Annotated[
        datetime | None, typer.Option(help="Only entries from this day (YYYY-MM-DD) on.")
    ] = None,
    action: Annotated[
        str | None, typer.Option(help=f"Only this action: {', '.join(sorted(ACTIONS))}.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many.")] = 50,
    db: DbOption = None,
) -> None:
    """The newest entries first: number, time, actor (an id), action, target (an id) and
    counts. No personal data: the log holds none."""
    if action is not None and action not in ACTIONS:
        refuse(f"--action: one of {', '.join(sorted(ACTIONS))}")
    store = store_from(settings_from(None, db), clock_for(None))
    table = Table()
    for heading in ("seq", "at (UTC)", "actor", "action", "target", "details"):
        table.add_column(heading, overflow="fold")  # ids and counts whole, never cut short
    start = since.replace(tzinfo=UTC) if since else None
    try:
        with store.transaction() as session:
            for entry in recent(session, action=action, since=start, limit=limit):
                target = f"{entry.target_kind} {entry.target_id}" if entry.target_kind else ""
                table.add_row(str(entry.seq), f"{entry.at:%Y-%m-%d %H:%M:%S}", entry.actor,
                              entry.action, target, details_of(entry))  # fmt: skip
    finally:
        store.close()
    out.print(table)
