"""Rolling raw page views up into daily aggregates that name no one, before retention
anonymises the views (a day's visitors can only be counted while the views still name them).

Everything is counted by the database (GROUP BY): a day may hold hundreds of thousands of
views, and none of them is loaded into Python.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any

from sqlalchemy import ColumnElement, String, cast, delete, func, literal, or_, select, text
from sqlalchemy.orm import Session

from privet.analytics.models import DayTotals, DayValue, Pageview
from privet.clock import Clock
from privet.consent.models import ConsentReceipt
from privet.policy.schema import Policy
from privet.store.conflicts import retried
from privet.store.open import Store

DIMENSIONS: dict[str, Any] = {
    "page": Pageview.path,
    "referrer": Pageview.referrer_host,
    "country": Pageview.country,
    "browser": Pageview.browser,
    "device": Pageview.device,
}
TOP_VALUES = 1000  # kept a dimension a day; the long tail of paths would outgrow raw rows
OTHER = "(other)"  # the values past TOP_VALUES, summed; no path, host or country looks so
# A view being committed as the day ends, stamped 23:59:59, must not miss the final roll-up.
SETTLE = timedelta(minutes=10)
ROLL_UP_LOCK = 0x726F6C6C  # "roll": a PostgreSQL advisory lock key


def roll_up_chore(store: Store, policy: Policy, clock: Clock) -> None:
    """What `privet serve` runs each hour: a transaction a day, since on SQLite each holds
    the write lock, and collection waits while a busy day is counted."""
    with store.transaction() as session:
        days = due_days(session, clock.now())
    for day in days:
        # A sweep making a month's partitions may deadlock with the reads: run it again.
        retried(store, partial(roll_up, policy=policy, day=day, now=clock.now()))


def roll_up_due(session: Session, policy: Policy, now: datetime) -> list[date]:
    """Roll up the `due_days`; the days rolled up."""
    days = due_days(session, now)
    for day in days:
        roll_up(session, policy, day, now)
    return days


def due_days(session: Session, now: datetime) -> list[date]:
    """Today and each earlier day not yet final that still has visitors. A day whose views
    retention anonymised (all or some) keeps the roll-up it has: counting again would lose
    its visitors."""
    since = session.scalar(select(func.max(DayTotals.day)).where(DayTotals.final))
    rolled = set(session.scalars(select(DayTotals.day).where(DayTotals.day > (since or date.min))))
    days = {now.date()}
    for day, views, named in _raw_days(session, since):
        if named == views or (named and day not in rolled):
            days.add(day)
    return sorted(days)


def _raw_days(session: Session, since: date | None) -> list[tuple[date, int, int]]:
    """(day, views, views still naming their visitor) of each day after `since`."""
    day = _day_of(session, Pageview.viewed_at)
    query = select(day, func.count(), func.count(Pageview.visitor)).group_by(day)
    if since is not None:
        query = query.where(Pageview.viewed_at >= _start(since + timedelta(days=1)))
    return [(date.fromisoformat(str(row[0])), row[1], row[2]) for row in session.execute(query)]


def _day_of(session: Session, moment: Any) -> ColumnElement[Any]:
    """The UTC day of a stored time: SQLite stores the text 'YYYY-MM-DD HH:MM:SS…' in UTC."""
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(moment, 1, 10)
    return func.date(func.timezone("UTC", moment))


def roll_up(session: Session, policy: Policy, day: date, now: datetime) -> None:
    """Count `day` again from its raw rows, replacing what was there: idempotent."""
    if session.get_bind().dialect.name == "postgresql":  # two servers: one after the other
        session.execute(text(f"SELECT pg_advisory_xact_lock({ROLL_UP_LOCK})"))
    session.execute(delete(DayTotals).where(DayTotals.day == day))
    session.execute(delete(DayValue).where(DayValue.day == day))
    visitors, pageviews, duration, durations = session.execute(
        select(*_counts()).where(_views(day))
    ).one()
    decisions, grants = _consents(session, policy, day)
    totals = DayTotals(
        day=day, visitors=visitors, pageviews=pageviews, duration_ms_sum=duration or 0,
        durations=durations, decisions=decisions, analytics_grants=grants, rolled_up_at=now,
        final=now >= _start(day + timedelta(days=1)) + SETTLE,
    )  # fmt: skip
    session.add(totals)
    for dimension, column in DIMENSIONS.items():
        session.add_all(_values(session, totals, dimension, column))
    session.flush()


def _values(session: Session, totals: DayTotals, dimension: str, column: Any) -> list[DayValue]:
    """The dimension's TOP_VALUES largest values by page views, and OTHER for the rest."""
    value = func.coalesce(column, "")
    largest = (
        select(value, *_counts())
        .where(_views(totals.day))
        .group_by(value)
        .order_by(func.count().desc(), value)
        .limit(TOP_VALUES)
    )
    rows = [
        DayValue(dimension=dimension, day=totals.day, value=name, visitors=visitors,
                 pageviews=pageviews, duration_ms_sum=duration or 0, durations=durations)
        for name, visitors, pageviews, duration, durations in session.execute(largest)
    ]  # fmt: skip
    if len(rows) == TOP_VALUES:
        rest = _views(totals.day) & value.not_in(largest.with_only_columns(value))
        rows.append(_other(session, totals, dimension, rest, rows))
    return rows


def _other(
    session: Session, totals: DayTotals, dimension: str, rest: Any, kept: list[DayValue]
) -> DayValue:
    """The rest of the day, by subtraction; its visitors are counted (a sum would count
    twice a visitor who saw two of the rest)."""
    visitors = session.scalar(select(func.count(Pageview.visitor.distinct())).where(rest))
    return DayValue(
        dimension=dimension, day=totals.day, value=OTHER, visitors=visitors or 0,
        pageviews=totals.pageviews - sum(row.pageviews for row in kept),
        duration_ms_sum=totals.duration_ms_sum - sum(row.duration_ms_sum for row in kept),
        durations=totals.durations - sum(row.durations for row in kept),
    )  # fmt: skip


def _counts() -> tuple[ColumnElement[Any], ...]:
    return (
        func.count(Pageview.visitor.distinct()),
        func.count(),
        func.sum(Pageview.duration_ms),
        func.count(Pageview.duration_ms),
    )


def _views(day: date) -> ColumnElement[bool]:
    start = _start(day)
    return (Pageview.viewed_at >= start) & (Pageview.viewed_at < start + timedelta(days=1))


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _consents(session: Session, policy: Policy, day: date) -> tuple[int, int]:
    """Decisions recorded that day, and how many granted a category serving analytics."""
    start = _start(day)
    on_day = (ConsentReceipt.recorded_at >= start) & (
        ConsentReceipt.recorded_at < start + timedelta(days=1)
    )
    # `granted` is a JSON list of names: its text holds each name in double quotes.
    text = cast(ConsentReceipt.granted, String)
    granting = [
        text.contains(f'"{name}"', autoescape=True) for name in analytics_categories(policy)
    ]
    grants = func.count().filter(or_(*granting)) if granting else literal(0)
    decisions, granted = session.execute(select(func.count(), grants).where(on_day)).one()
    return int(decisions), int(granted)


def analytics_categories(policy: Policy) -> list[str]:
    """The cookie categories asked for the analytics purpose (none in cookieless mode)."""
    purpose = policy.analytics.purpose
    return [name for name, category in policy.cookies.items()
            if purpose is not None and category.purpose == purpose]  # fmt: skip
