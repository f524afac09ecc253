"""Retention in `privet serve`: a sweep each day, and officers told when sweeps break.

Other tools' retention jobs die silently (out of memory, a lost cron line) and nobody
learns it for months. Here each hour checks: a sweep runs when the last completed one is a
day old; a failed sweep, or none completed for 48 hours, mails the officers (again each
day while it lasts) and is a finding of `privet audit` and a figure of `/metrics`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from privet.admin.service import officer_addresses
from privet.clock import Clock
from privet.notify.service import queue_email
from privet.policy.schema import Policy
from privet.retention.audit import sweep_findings
from privet.retention.models import SweepRun
from privet.retention.sweep import SweepBusy, sweep
from privet.store.open import Store

log = logging.getLogger(__name__)

SWEEP_EVERY = timedelta(days=1)


def retention_chores(store: Store, policy: Policy, base_url: str, clock: Clock) -> None:
    """What `privet serve` runs each hour."""
    if sweep_is_due(store, clock.now()):
        try:
            report = sweep(store, policy, clock)
            done = sum(outcome.deleted + outcome.anonymised for outcome in report.outcomes)
            log.info("sweep_done", extra={"records": done})
        except SweepBusy:
            log.info("sweep_skipped", extra={"why": "another server is sweeping"})
        except Exception as error:  # recorded as failed by the sweep; told below
            log.error("sweep_failed", extra={"error": type(error).__name__})
    with store.transaction() as session:
        alert_officers(session, policy, base_url, clock.now())


def last_success(session: Session) -> datetime | None:
    return session.scalar(select(func.max(SweepRun.finished_at)).where(SweepRun.status == "done"))


def sweep_is_due(store: Store, now: datetime) -> bool:
    with store.transaction() as session:
        last = last_success(session)
    return last is None or last <= now - SWEEP_EVERY


def alert_officers(session: Session, policy: Policy, base_url: str, now: datetime) -> bool:
    """Mail the officers about broken sweeps: once, then daily while they stay broken;
    True if mailed."""
    findings = sweep_findings(session, now)
    latest = session.scalars(select(SweepRun).order_by(SweepRun.started_at.desc())).first()
    if not findings or latest is None:
        return False
    told = session.scalar(select(func.max(SweepRun.alerted_at)))
    success = last_success(session)
    if told and (success is None or told > success) and told > now - SWEEP_EVERY:
        return False
    body = (
        f"Retention sweeps of {policy.controller.name}'s data are not keeping the policy:\n\n"
        + "".join(f"- {finding.message}\n" for finding in findings)
        + f"\nDetails: {base_url.rstrip('/')}/admin/retention\n"
    )
    for officer in officer_addresses(session, policy):
        queue_email(session, officer, "privet: retention sweeps are failing", body, now)
    latest.alerted_at = now
    return True
