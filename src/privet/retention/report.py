"""The retention report: per rule, how much the store holds, how old it is, and the last sweep.

Everything is counted by the database in one aggregate query per rule and record type,
never by loading rows: a table may hold millions of page views.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from itertools import pairwise
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from privet.policy.schema import Policy
from privet.retention.models import SweepRun
from privet.retention.records import RECORD_TYPES, Governed
from privet.retention.rules import Rule, rules_of
from privet.retention.sweep import Outcome

# The chart's bars: tenths of the retention period, then one more for records past it.
BUCKETS = 10


@dataclass(frozen=True)
class RuleReport:
    rule: Rule
    records: str | None  # the record type's name; None when the rule reaches no table
    count: int = 0
    # Records whose retention has not started: a running contract, an open request.
    waiting: int = 0
    oldest: datetime | None = None
    next_expiry: datetime | None = None
    # BUCKETS counts, by how far through their period the records are, then the overdue.
    ages: tuple[int, ...] = (0,) * (BUCKETS + 1)

    @property
    def overdue(self) -> int:
        return self.ages[-1]


def retention_report(session: Session, policy: Policy, as_of: datetime) -> list[RuleReport]:
    """Every rule, once per record type it governs (once with no records if it governs none)."""
    reports = []
    for rule in rules_of(policy):
        found = [
            _measure(session, rule, record_type.name, governed, as_of)
            for record_type in RECORD_TYPES
            if (governed := record_type.governed(session, policy, rule)) is not None
        ]
        reports += found or [RuleReport(rule, None)]
    return reports


def boundaries(rule: Rule, as_of: datetime) -> list[datetime]:
    """The anchors of records 1/10, 2/10 … 10/10 through the rule's period at `as_of`.

    The last is the rule's cutoff, so "overdue" here is exactly what a sweep finds due.
    Tenths of a calendar span are taken as equal lengths of time: close enough for a chart.
    """
    cutoff = rule.cutoff(as_of)
    span = as_of - cutoff
    return [as_of - span * step / BUCKETS for step in range(1, BUCKETS)] + [cutoff]


def _measure(
    session: Session, rule: Rule, records: str, governed: Governed, as_of: datetime
) -> RuleReport:
    rows = governed.ids.add_columns(governed.anchor.label("anchor")).subquery()
    anchor = rows.c.anchor
    bounds: list[Any] = boundaries(rule, as_of)
    if governed.dated:  # a contract's end is a day: compare days, as the sweep does
        bounds = [bound.date() for bound in bounds]
    query = select(func.count(), func.count(anchor), func.min(anchor), *_buckets(anchor, bounds))
    total, anchored, oldest, *ages = session.execute(query.select_from(rows)).one()
    oldest = _moment(oldest)
    return RuleReport(
        rule,
        records,
        count=total,
        waiting=total - anchored,
        oldest=oldest,
        next_expiry=rule.keep.after(oldest) if oldest else None,
        ages=tuple(ages),
    )


def _buckets(anchor: Any, bounds: list[Any]) -> list[ColumnElement[int]]:
    """COUNT(CASE ...) per bucket: the newest tenth first, the overdue last. A NULL anchor
    (retention not started) falls in none."""
    conditions = [anchor >= bounds[0]]
    conditions += [(anchor < newer) & (anchor >= older) for newer, older in pairwise(bounds)]
    conditions.append(anchor < bounds[-1])
    return [func.count(case((condition, 1))) for condition in conditions]


def _moment(value: date | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.combine(value, time(), UTC)


def last_sweep(session: Session) -> SweepRun | None:
    query = select(SweepRun).order_by(SweepRun.started_at.desc()).limit(1)
    return session.scalars(query).first()


def outcomes(run: SweepRun) -> list[Outcome]:
    """What the sweep did per rule and record type; empty while it runs."""
    return [Outcome(**item) for item in json.loads(run.results or "[]")]
