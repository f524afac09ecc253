"""`privet audit`: the store checked against every promise of the policy.

Each check counts what breaks a promise and says so in one line, without naming anyone:
records kept past their rule, page views without consent, marketing consents of people
who objected, requests past their deadline, processors outside the storage region with no
transfer basis, data filed under a category the policy no longer declares, and a sweep
that failed or has not completed for 48 hours. Other tools' retention jobs die silently;
this one is watched. Given the settings, it also checks what lies outside the database:
backups the policy promises but nobody scheduled, or no backup for 48 hours.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from privet.analytics.models import Pageview
from privet.backup.copies import newest
from privet.config import Settings
from privet.consent.models import ConsentReceipt
from privet.marketing.models import MarketingConsent
from privet.marketing.service import live_opt_in, suppressed
from privet.policy.checks import in_region
from privet.policy.schema import Policy
from privet.retention.holds import holds_on
from privet.retention.models import SweepRun
from privet.retention.records import RECORD_TYPES, stored_categories
from privet.retention.rules import rules_of
from privet.rights.models import DataRequest
from privet.store.models import KeyCheck
from privet.subjects.models import Subject

# Sweeps run daily: a record is a breach once it has outlived its rule by more than this,
# and sweeps are overdue once none has completed for this long.
GRACE = timedelta(hours=48)
CHUNK = 1000


@dataclass(frozen=True)
class AuditFinding:
    check: str
    message: str
    count: int


def run_audit(
    session: Session, policy: Policy, as_of: datetime, settings: Settings | None = None
) -> list[AuditFinding]:
    """Every finding; without `settings`, the database alone (as after a restore)."""
    checks: list[Callable[[Session, Policy, datetime], Iterator[AuditFinding]]] = [
        _kept_too_long,
        _views_without_consent,
        _marketing_to_objectors,
        _overdue_requests,
        _processors_outside_region,
        _undeclared_categories,
        _sweeps_stopped,
    ]
    found = [finding for check in checks for finding in check(session, policy, as_of)]
    if settings is not None:
        found += backup_findings(session, policy, settings.backup_dir, as_of)
    return found


def _count(session: Session, query: Select[Any]) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _kept_too_long(session: Session, policy: Policy, as_of: datetime) -> Iterator[AuditFinding]:
    holds = holds_on(session, as_of)
    for rule in rules_of(policy):
        if rule.category in holds.categories:
            continue
        for record_type in RECORD_TYPES:
            governed = record_type.governed(session, policy, rule)
            if governed is None:
                continue
            late = governed.due(rule.cutoff(as_of) - GRACE)
            count = _count(session, late.where(record_type.held(holds).is_not(True)))
            if count:
                yield AuditFinding(
                    "retention",
                    f"rule '{rule.name}': {count} {record_type.name} kept past '{rule.described}'",
                    count,
                )


def _views_without_consent(
    session: Session, policy: Policy, as_of: datetime
) -> Iterator[AuditFinding]:
    """In consent mode each page view names the receipt that allowed it; that receipt
    must grant a cookie category serving the analytics purpose."""
    if policy.analytics.mode != "consent":
        return
    allowing = {name for name, c in policy.cookies.items() if c.purpose == policy.analytics.purpose}
    # An anonymised view has lost its visitor and, with it, the receipt's link: its consent
    # was checked when it was counted, and it no longer says anything about anyone.
    linked = Pageview.visitor.is_not(None)
    unproven = _count(session, select(Pageview.id).where(linked, Pageview.consent_id.is_(None)))
    per_receipt = select(Pageview.consent_id, func.count()).group_by(Pageview.consent_id)
    rows = session.execute(per_receipt.where(Pageview.consent_id.is_not(None)))
    counts = {receipt_id: count for receipt_id, count in rows}
    ids = list(counts)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        query = select(ConsentReceipt.id, ConsentReceipt.granted)
        granting = {
            receipt_id
            for receipt_id, granted in session.execute(query.where(ConsentReceipt.id.in_(chunk)))
            if allowing & set(granted)
        }
        unproven += sum(counts[i] for i in chunk if i not in granting)
    if unproven:
        yield AuditFinding(
            "analytics_consent",
            f"{unproven} page views stored without a consent receipt granting analytics",
            unproven,
        )


def _marketing_to_objectors(
    session: Session, policy: Policy, as_of: datetime
) -> Iterator[AuditFinding]:
    live = (
        select(MarketingConsent.subject_id)
        .join(Subject, Subject.id == MarketingConsent.subject_id)
        .where(live_opt_in(), Subject.objected_at.is_not(None) | suppressed())
        .distinct()
    )
    count = _count(session, live)
    if count:
        yield AuditFinding(
            "marketing",
            f"{count} people who objected or are suppressed still have a live marketing consent",
            count,
        )


def _overdue_requests(session: Session, policy: Policy, as_of: datetime) -> Iterator[AuditFinding]:
    late = select(DataRequest.id).where(DataRequest.status == "open", DataRequest.due_at < as_of)
    count = _count(session, late)
    if count:
        yield AuditFinding(
            "requests",
            f"{count} data-subject requests are past their deadline ({policy.rights.deadline})",
            count,
        )


def _processors_outside_region(
    session: Session, policy: Policy, as_of: datetime
) -> Iterator[AuditFinding]:
    region = policy.storage.region
    for name, processor in policy.processors.items():
        if in_region(processor.location, region):
            continue
        if policy.storage.strict or processor.safeguard == "none_needed":
            yield AuditFinding(
                "processors",
                f"processor '{name}' is in {processor.location}, outside the storage region "
                f"({', '.join(region)}), with no transfer basis",
                1,
            )


def _undeclared_categories(
    session: Session, policy: Policy, as_of: datetime
) -> Iterator[AuditFinding]:
    for category in sorted(stored_categories(session) - set(policy.data_categories)):
        yield AuditFinding(
            "categories",
            f"records are filed under '{category}', a data category the policy does not "
            "declare, so its text does not mention them",
            1,
        )


def _sweeps_stopped(session: Session, policy: Policy, as_of: datetime) -> Iterator[AuditFinding]:
    return iter(sweep_findings(session, as_of))


def sweep_findings(session: Session, as_of: datetime) -> list[AuditFinding]:
    """The last sweep failed, or none has completed for 48 hours."""
    found = []
    last = session.scalars(
        select(SweepRun).where(SweepRun.status != "running").order_by(SweepRun.started_at.desc())
    ).first()
    if last is not None and last.status == "failed":
        when = f"{last.started_at:%Y-%m-%d %H:%M} UTC"
        found.append(
            AuditFinding("sweep", f"the last retention sweep failed ({last.error}) at {when}", 1)
        )
    done = session.scalar(select(func.max(SweepRun.finished_at)).where(SweepRun.status == "done"))
    since = done or session.scalar(select(func.min(KeyCheck.created_at)))
    if since is not None and since < as_of - GRACE:
        hours = int((as_of - since).total_seconds() // 3600)
        if done is None:
            message = f"no retention sweep has completed in the {hours} hours since the store began"
        else:
            message = f"the last retention sweep completed {hours} hours ago: sweeps have stopped"
        found.append(AuditFinding("sweep", message, 1))
    return found


def backup_findings(
    session: Session, policy: Policy, folder: Path | None, as_of: datetime
) -> list[AuditFinding]:
    """Backups promised but not scheduled, or none taken for 48 hours (docs/backups.md)."""
    if folder is None:
        if not policy.security.encrypted_backups:
            return []
        message = "backups promised but not scheduled: the policy says encrypted_backups, and "
        return [AuditFinding("backups", message + "PRIVET_BACKUP_DIR is off", 1)]
    taken = newest(folder)
    since = taken or session.scalar(select(func.min(KeyCheck.created_at)))
    if since is None or since >= as_of - GRACE:
        return []
    hours = int((as_of - since).total_seconds() // 3600)
    if taken is None:
        message = f"no backup has been taken in the {hours} hours since the store began"
    else:
        message = f"the newest backup in {folder} is {hours} hours old: backups have stopped"
    return [AuditFinding("backups", message, 1)]
