"""The live evidence that the policy's promises are kept: one figure set per promise.

Every figure is a count or a time, computed by the database (COUNT, FILTER, GROUP BY) and
never by loading rows: the stores this runs on hold millions of receipts. Nothing here
names, or could single out, a person: the audit is published as kinds and counts only,
never its messages.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, String, cast, extract, func, select
from sqlalchemy.orm import Session

from privet.config import Settings
from privet.consent.models import ConsentReceipt
from privet.policy.checks import in_region
from privet.policy.durations import Duration
from privet.policy.schema import Anchor, Policy, RetentionRule
from privet.retention.audit import run_audit
from privet.retention.models import SweepRun
from privet.retention.report import outcomes
from privet.rights.models import DataRequest

CONSENT_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class RightsEvidence:
    """Requests whose address was proven this calendar year (UTC), and what became of them."""

    year: int
    deadline: Duration
    extension: Duration | None
    received: int
    answered: int
    on_time: int
    late: int
    still_open: int
    # Open requests past their deadline now, whenever they were received.
    overdue_now: int
    # From the address proven (the deadline's start) to the answer; None: none answered.
    median_days_to_answer: float | None


@dataclass(frozen=True)
class RuleEvidence:
    """One retention rule of the policy and what the last completed sweep did under it;
    the counts are None until a sweep has completed."""

    rule: str
    category: str
    keep: Duration
    after: Anchor
    then: str
    deleted: int | None
    anonymised: int | None
    held: int | None


@dataclass(frozen=True)
class RetentionEvidence:
    last_sweep_completed_at: datetime | None
    # When the latest sweep to end failed: set only while no later sweep has completed.
    last_sweep_failed_at: datetime | None
    rules: tuple[RuleEvidence, ...]


@dataclass(frozen=True)
class CategoryShare:
    category: str
    granted: int
    share: float | None  # of the decisions in the window; None when there were none


@dataclass(frozen=True)
class ConsentEvidence:
    since: datetime
    decisions: int
    gpc_decisions: int
    categories: tuple[CategoryShare, ...]
    # The categories a Global Privacy Control signal refuses without a click.
    gpc_refuses: tuple[str, ...]


@dataclass(frozen=True)
class ProcessorEvidence:
    processor: str
    name: str
    location: str
    in_region: bool
    safeguard: str


@dataclass(frozen=True)
class TransferEvidence:
    to: str
    safeguard: str


@dataclass(frozen=True)
class SharingEvidence:
    storage_region: tuple[str, ...]
    strict: bool
    sold: bool
    processors: tuple[ProcessorEvidence, ...]
    transfers: tuple[TransferEvidence, ...]


@dataclass(frozen=True)
class FindingCount:
    check: str
    count: int


@dataclass(frozen=True)
class AuditEvidence:
    checked_at: datetime
    findings: tuple[FindingCount, ...]  # empty: every promise checked is kept


@dataclass(frozen=True)
class Evidence:
    as_of: datetime
    policy_version: str
    rights: RightsEvidence
    retention: RetentionEvidence
    consent: ConsentEvidence
    sharing: SharingEvidence
    audit: AuditEvidence


def gather_evidence(
    session: Session, policy: Policy, now: datetime, settings: Settings | None = None
) -> Evidence:
    """`settings` lets the audit check backups too (they live outside the database)."""
    return Evidence(
        as_of=now,
        policy_version=policy.policy.version,
        rights=rights_evidence(session, policy, now),
        retention=retention_evidence(session, policy),
        consent=consent_evidence(session, policy, now),
        sharing=sharing_evidence(policy),
        audit=audit_evidence(session, policy, now, settings),
    )


def rights_evidence(session: Session, policy: Policy, now: datetime) -> RightsEvidence:
    closed, due = DataRequest.closed_at, DataRequest.due_at
    cohort = _received_in_year(now.year)
    counts = select(
        func.count(),
        func.count(closed),
        func.count().filter(closed <= due),
        func.count().filter(closed > due),
        func.count().filter(DataRequest.status == "open"),
    ).where(*cohort)
    received, answered, on_time, late, still_open = session.execute(counts).one()
    overdue = select(func.count()).where(DataRequest.status == "open", due < now)
    days = _days_between(session, DataRequest.verified_at, closed)
    return RightsEvidence(
        year=now.year, deadline=policy.rights.deadline, extension=policy.rights.extension,
        received=received, answered=answered, on_time=on_time, late=late,
        still_open=still_open, overdue_now=session.scalar(overdue) or 0,
        median_days_to_answer=_median(session, days, [*cohort, closed.is_not(None)], answered),
    )  # fmt: skip


def _received_in_year(year: int) -> list[ColumnElement[bool]]:
    """Requests received that year whose address was proven: an unproven one is nobody's
    request yet, and no deadline runs for it."""
    start = datetime(year, 1, 1, tzinfo=UTC)
    return [
        DataRequest.received_at >= start,
        DataRequest.received_at < start.replace(year=year + 1),
        DataRequest.verified_at.is_not(None),
    ]


def _days_between(session: Session, start: Any, end: Any) -> ColumnElement[Any]:
    """Days from `start` to `end` as a number; each database spells it its own way."""
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(end) - func.julianday(start)
    return extract("epoch", end - start) / 86400


def _median(
    session: Session, value: ColumnElement[Any], where: list[ColumnElement[bool]], count: int
) -> float | None:
    """The median of `value` over `count` rows: the database sorts and hands back the
    middle one or two, so memory stays the same however many requests there were."""
    if count == 0:
        return None
    middle = (
        select(value).where(*where).order_by(value).offset((count - 1) // 2).limit(2 - count % 2)
    )
    found = [float(days) for days in session.scalars(middle)]
    return round(sum(found) / len(found), 1)


def retention_evidence(session: Session, policy: Policy) -> RetentionEvidence:
    done = session.scalars(
        select(SweepRun).where(SweepRun.status == "done").order_by(SweepRun.started_at.desc())
    ).first()
    latest = session.scalars(
        select(SweepRun).where(SweepRun.status != "running").order_by(SweepRun.started_at.desc())
    ).first()
    failed = latest if latest is not None and latest.status == "failed" else None
    totals: dict[str, Counter[str]] = {}
    for outcome in outcomes(done) if done else []:
        totals.setdefault(outcome.rule, Counter()).update(
            deleted=outcome.deleted, anonymised=outcome.anonymised, held=outcome.held
        )
    return RetentionEvidence(
        last_sweep_completed_at=done.finished_at if done else None,
        last_sweep_failed_at=(failed.finished_at or failed.started_at) if failed else None,
        rules=tuple(
            _rule_evidence(name, rule, totals.get(name, Counter()) if done else None)
            for name, rule in policy.retention.items()
        ),
    )


def _rule_evidence(name: str, rule: RetentionRule, done: Counter[str] | None) -> RuleEvidence:
    return RuleEvidence(
        rule=name, category=rule.category, keep=rule.keep, after=rule.after, then=rule.then,
        deleted=None if done is None else done["deleted"],
        anonymised=None if done is None else done["anonymised"],
        held=None if done is None else done["held"],
    )  # fmt: skip


def consent_evidence(session: Session, policy: Policy, now: datetime) -> ConsentEvidence:
    optional = [name for name, category in policy.cookies.items() if not category.required]
    since = now - CONSENT_WINDOW
    # `granted` is a JSON list of names: its text holds each name in double quotes.
    granted = cast(ConsentReceipt.granted, String)
    query = select(
        func.count(),
        func.count().filter(ConsentReceipt.gpc.is_(True)),
        *(func.count().filter(granted.contains(f'"{name}"', autoescape=True)) for name in optional),
    ).where(ConsentReceipt.recorded_at >= since, ConsentReceipt.recorded_at < now)
    decisions, gpc, *grants = session.execute(query).one()
    return ConsentEvidence(
        since=since,
        decisions=decisions,
        gpc_decisions=gpc,
        categories=tuple(
            CategoryShare(name, count, count / decisions if decisions else None)
            for name, count in zip(optional, grants, strict=True)
        ),
        gpc_refuses=tuple(name for name in optional if policy.cookies[name].gpc_opt_out),
    )


def sharing_evidence(policy: Policy) -> SharingEvidence:
    region = policy.storage.region
    return SharingEvidence(
        storage_region=tuple(region),
        strict=policy.storage.strict,
        sold=policy.sharing.sold,
        processors=tuple(
            ProcessorEvidence(key, p.name, p.location, in_region(p.location, region), p.safeguard)
            for key, p in policy.processors.items()
        ),
        transfers=tuple(TransferEvidence(t.to, t.safeguard) for t in policy.transfers),
    )


def audit_evidence(
    session: Session, policy: Policy, now: datetime, settings: Settings | None = None
) -> AuditEvidence:
    """The audit's findings as kinds and counts: its messages name rules and numbers only
    today, but a count per kind is all the public needs and all it will ever be shown."""
    counts: Counter[str] = Counter()
    for finding in run_audit(session, policy, now, settings):
        counts[finding.check] += finding.count
    return AuditEvidence(now, tuple(FindingCount(check, n) for check, n in counts.items()))
