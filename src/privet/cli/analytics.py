"""`privet stats`: the dashboard's numbers and top lists in the terminal."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

import typer
from rich.table import Table

from privet.analytics.rollup import roll_up_due
from privet.analytics.stats import Numbers, Stats
from privet.analytics.stats import stats as read_stats
from privet.cli.common import (
    AsOfOption,
    DbOption,
    PolicyOption,
    clock_for,
    out,
    policy_from,
    refuse,
    settings_from,
    store_from,
)

DEFAULT_DAYS = 30
FromOption = Annotated[
    datetime | None,
    typer.Option("--from", formats=["%Y-%m-%d"], help="First day (default: 29 days before --to)."),
]
ToOption = Annotated[
    datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day (default: today).")
]


def stats(
    *,
    start: FromOption = None,
    end: ToOption = None,
    policy: PolicyOption = None,
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """The audience from the daily aggregates: visitors, page views, time on a page,
    consent rate, then the top pages, referrers, countries, browsers and devices.

    Rolls up what is due first, as `privet serve` does each hour."""
    settings, clock = settings_from(policy, db), clock_for(as_of)
    loaded, store = policy_from(settings), store_from(settings, clock)
    last = end.date() if end else clock.now().date()
    first = start.date() if start else last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        store.close()
        refuse("--from: the range must start before it ends")
    try:
        with store.transaction() as session:
            roll_up_due(session, loaded, clock.now())
            found = read_stats(session, first, last)
    finally:
        store.close()
    out.print(_totals(found))
    for dimension, rows in found.top.items():
        table = Table(dimension, "visitors", "page views", title=f"Top {dimension} values")
        for row in rows:
            table.add_row(row.value, f"{row.visitors:,}", f"{row.pageviews:,}")
        out.print(table)


def _totals(found: Stats) -> Table:
    totals = found.totals
    table = Table(
        "day",
        "visitors",
        "page views",
        "avg time on page",
        "consent rate",
        title=f"Analytics from {found.start} to {found.end}",
        title_justify="left",
    )
    rows: list[tuple[str, Numbers]] = [(day.day.isoformat(), day) for day in found.days]
    for label, numbers in [*rows, ("total", totals)]:
        table.add_row(
            label,
            f"{numbers.visitors:,}",
            f"{numbers.pageviews:,}",
            _seconds(numbers.average_duration_s),
            _percent(numbers.consent_rate),
        )
    return table


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} s"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"
