"""The audience over a range of days, read from the daily aggregates only: the dashboard,
its CSV and `privet stats` show the same numbers, at the same cost whatever the raw volume.

Visitors over several days are the sum of each day's distinct visitors. It cannot be
better: a cookieless visitor's hash changes every day by design (yesterday's salt is gone),
so nobody, privet included, can tell that two days' visitors are the same person.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from privet.analytics.models import DayTotals, DayValue
from privet.analytics.rollup import DIMENSIONS, OTHER

TOP = 10  # values shown per dimension
UNKNOWN = {"referrer": "(direct)"}  # what "" means in each dimension; "(unknown)" otherwise


@dataclass(frozen=True)
class Numbers:
    visitors: int
    pageviews: int
    duration_ms_sum: int
    durations: int
    decisions: int
    analytics_grants: int

    @property
    def average_duration_s(self) -> float | None:
        return self.duration_ms_sum / self.durations / 1000 if self.durations else None

    @property
    def consent_rate(self) -> float | None:
        """The share of consent decisions that granted analytics cookies."""
        return self.analytics_grants / self.decisions if self.decisions else None


@dataclass(frozen=True)
class Day(Numbers):
    day: date


@dataclass(frozen=True)
class TopValue:
    value: str
    visitors: int
    pageviews: int


@dataclass(frozen=True)
class Stats:
    start: date
    end: date
    totals: Numbers
    days: list[Day]
    top: dict[str, list[TopValue]]


def stats(session: Session, start: date, end: date) -> Stats:
    """Days from `start` to `end`, both included; a day never rolled up counts as empty."""
    stored = {
        row.day: row
        for row in session.scalars(select(DayTotals).where(DayTotals.day.between(start, end)))
    }
    days = [_day(stored.get(day), day) for day in _each_day(start, end)]
    totals = Numbers(*(sum(getattr(day, field.name) for day in days) for field in fields(Numbers)))
    top = {dimension: _top(session, dimension, start, end) for dimension in DIMENSIONS}
    return Stats(start, end, totals, days, top)


def _each_day(start: date, end: date) -> list[date]:
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def _day(row: DayTotals | None, day: date) -> Day:
    if row is None:
        return Day(0, 0, 0, 0, 0, 0, day)
    return Day(row.visitors, row.pageviews, row.duration_ms_sum, row.durations, row.decisions,
               row.analytics_grants, day)  # fmt: skip


def _top(session: Session, dimension: str, start: date, end: date) -> list[TopValue]:
    """The most viewed values; OTHER is left out, being many values summed."""
    views = func.sum(DayValue.pageviews)
    query = (
        select(DayValue.value, func.sum(DayValue.visitors), views)
        .where(DayValue.dimension == dimension, DayValue.day.between(start, end))
        .where(DayValue.value != OTHER)
        .group_by(DayValue.value)
        .order_by(views.desc(), DayValue.value)
        .limit(TOP)
    )
    return [
        TopValue(value or UNKNOWN.get(dimension, "(unknown)"), int(visitors), int(pageviews))
        for value, visitors, pageviews in session.execute(query)
    ]
