"""The sweep: apply every retention rule to the store, in bounded batches.

Each batch is its own transaction of at most `batch` rows, chosen by the database and
never loaded into memory (except submissions being anonymised, a batch at a time), so a
sweep of millions of rows runs in constant memory, and killing it loses nothing: the
next sweep finds what is left and carries on. Records under a legal hold are counted and
left alone. On PostgreSQL an expired month of a partitioned table is dropped whole.

Only one sweep runs at a time: on PostgreSQL an advisory lock says so; on SQLite (one
machine by nature) a `running` sweep whose process is still alive does.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, select, true
from sqlalchemy.orm import Session

from privet.auditlog import service as auditlog
from privet.clock import Clock
from privet.policy.schema import Policy
from privet.retention import partitions
from privet.retention.holds import holds_on
from privet.retention.models import SweepRun
from privet.retention.records import RECORD_TYPES, Governed, Holds, RecordType, nothing_left
from privet.retention.rules import Rule, rules_of
from privet.store.conflicts import retried
from privet.store.open import Store
from privet.subjects.models import Subject

log = logging.getLogger(__name__)

BATCH = 5000
SWEEP_LOCK = 0x73776565  # "swee": the PostgreSQL advisory lock key
PEOPLE_RULE = "privet.people"
OWNER = f"{socket.gethostname()}:{os.getpid()}"

Progress = Callable[[str, str, int], None]  # rule, record type, records done so far


class SweepBusy(RuntimeError):
    """Another sweep holds the lock; this one did nothing."""


@dataclass
class Outcome:
    """What one rule did to one record type."""

    rule: str
    records: str
    due: int = 0
    deleted: int = 0
    anonymised: int = 0
    held: int = 0


@dataclass
class SweepReport:
    as_of: datetime
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)

    def as_json(self) -> str:
        return json.dumps([asdict(outcome) for outcome in self.outcomes])


def sweep(
    store: Store,
    policy: Policy,
    clock: Clock,
    *,
    as_of: datetime | None = None,
    dry_run: bool = False,
    batch: int = BATCH,
    progress: Progress | None = None,
) -> SweepReport:
    """Apply every rule as of `as_of` (default: now). A dry run only counts."""
    report = SweepReport(as_of or clock.now(), dry_run)
    if dry_run:
        with store.transaction() as session:
            _count_all(session, policy, report)
        return report
    with _exclusive(store), _recorded(store, clock, report) as run_id:
        pass_ = _Pass(store, policy, clock, report, batch, progress, run_id)
        pass_.run()
    return report


def _count_all(session: Session, policy: Policy, report: SweepReport) -> None:
    holds = holds_on(session, report.as_of)
    for rule, record_type, governed in _work(session, policy):
        due = governed.due(rule.cutoff(report.as_of))
        outcome = Outcome(rule.name, record_type.name, due=_count(session, due))
        outcome.held = _count(session, due.where(_held(rule, record_type, holds)))
        report.outcomes.append(outcome)
    people = select(Subject.id).where(nothing_left(holds))
    report.outcomes.append(Outcome(PEOPLE_RULE, "subjects", due=_count(session, people)))


def _work(session: Session, policy: Policy) -> Iterator[tuple[Rule, RecordType, Governed]]:
    for rule in rules_of(policy):
        for record_type in RECORD_TYPES:
            governed = record_type.governed(session, policy, rule)
            if governed is not None:
                yield rule, record_type, governed


def _count(session: Session, query: Select[Any]) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _held(rule: Rule, record_type: RecordType, holds: Holds) -> ColumnElement[bool]:
    if rule.category is not None and rule.category in holds.categories:
        return true()
    # IS TRUE: a row with no person (NULL) is held by nobody, not "unknown".
    return record_type.held(holds).is_(True)


@dataclass
class _Pass:
    """One real sweep: every rule, batch by batch, each batch committed on its own."""

    store: Store
    policy: Policy
    clock: Clock
    report: SweepReport
    batch: int
    progress: Progress | None
    run_id: uuid.UUID

    def run(self) -> None:
        with self.store.transaction() as session:
            work = list(_work(session, self.policy))
            holds = holds_on(session, self.report.as_of)
        for rule, record_type, governed in work:
            outcome = Outcome(rule.name, record_type.name)
            self.report.outcomes.append(outcome)
            self._apply(rule, record_type, governed, holds, outcome)
        self._forget_people(holds)
        self._tidy_partitions()

    def _apply(
        self, rule: Rule, record_type: RecordType, governed: Governed, holds: Holds, out: Outcome
    ) -> None:
        cutoff = rule.cutoff(self.report.as_of)
        due, held = governed.due(cutoff), _held(rule, record_type, holds)
        with self.store.transaction() as session:
            out.held = _count(session, due.where(held))
            if out.held == 0 and rule.then == "delete":
                out.deleted += self._drop_months(session, record_type, cutoff)
        if rule.category is not None and rule.category in holds.categories:
            out.due = out.held
            return
        while done := self._one_batch(rule, record_type, due.where(held.is_not(True))):
            if rule.then == "anonymise":
                out.anonymised += done
            else:
                out.deleted += done
            if self.progress:
                self.progress(rule.name, record_type.name, out.deleted + out.anonymised)
        out.due = out.deleted + out.anonymised + out.held

    def _one_batch(self, rule: Rule, record_type: RecordType, due: Select[Any]) -> int:
        ids = due.limit(self.batch)
        with self.store.transaction() as session:
            if rule.then == "anonymise":
                done = record_type.anonymise(session, self.policy, ids)
            else:
                done = record_type.delete(session, ids)
        log.debug("sweep_batch", extra={"rule": rule.name, "records": record_type.name,
                                        "count": done})  # fmt: skip
        return done

    def _drop_months(self, session: Session, record_type: RecordType, cutoff: datetime) -> int:
        """Whole expired months of a partitioned table, when no hold reaches into them."""
        table = record_type.model.__tablename__
        connection = session.connection()
        if record_type.partitioned_by is None or not partitions.is_partitioned(connection, table):
            return 0
        return partitions.drop_months_before(connection, table, cutoff)

    def _forget_people(self, holds: Holds) -> None:
        outcome = Outcome(PEOPLE_RULE, "subjects")
        self.report.outcomes.append(outcome)
        gone = select(Subject.id).where(nothing_left(holds)).limit(self.batch)
        while True:
            with self.store.transaction() as session:
                statement = delete(Subject).where(Subject.id.in_(gone))
                done = session.connection().execute(statement).rowcount
            if not done:
                break
            outcome.deleted += done
        outcome.due = outcome.deleted

    def _tidy_partitions(self) -> None:
        """Rows that landed in the default partition get their month; the months ahead
        exist before rows arrive, so next year's expiry is a drop too."""
        now = self.clock.now().date()

        def tidy(session: Session) -> None:
            connection = session.connection()
            for record_type in RECORD_TYPES:
                table = record_type.model.__tablename__
                if record_type.partitioned_by and partitions.is_partitioned(connection, table):
                    partitions.adopt_default(connection, table)
                    partitions.ensure_months(connection, table, now, now + timedelta(days=62))

        # Its locks on several tables may deadlock with a roll-up reading them: run it again.
        retried(self.store, tidy)


@contextlib.contextmanager
def _exclusive(store: Store) -> Iterator[None]:
    """On PostgreSQL, hold the sweep's advisory lock on a connection of its own."""
    if store.engine.dialect.name != "postgresql":
        yield
        return
    with store.engine.connect() as connection:
        if not connection.exec_driver_sql(f"SELECT pg_try_advisory_lock({SWEEP_LOCK})").scalar():
            raise SweepBusy("another sweep is running")
        try:
            yield
        finally:
            connection.exec_driver_sql(f"SELECT pg_advisory_unlock({SWEEP_LOCK})")
            connection.commit()


@contextlib.contextmanager
def _recorded(store: Store, clock: Clock, report: SweepReport) -> Iterator[uuid.UUID]:
    """A SweepRun row for this sweep: `running`, then `done` or `failed`."""
    run_id = _start(store, clock, report.as_of)
    try:
        yield run_id
    except BaseException as error:
        _finish(store, clock, run_id, report, error)
        raise
    _finish(store, clock, run_id, report, None)


def _start(store: Store, clock: Clock, as_of: datetime) -> uuid.UUID:
    now, sqlite = clock.now(), store.engine.dialect.name == "sqlite"
    with store.transaction() as session:  # BEGIN IMMEDIATE on SQLite: one starter at a time
        running = select(SweepRun).where(SweepRun.status == "running")
        for run in session.scalars(running):
            if sqlite and _alive(run.owner):
                raise SweepBusy("another sweep is running")
            # On PostgreSQL we hold the lock, so whoever left this running is gone.
            run.status, run.error, run.finished_at = "failed", "interrupted", now
        run = SweepRun(started_at=now, owner=OWNER, as_of=as_of, status="running")
        session.add(run)
        session.flush()
        return run.id


def _alive(owner: str) -> bool:
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but someone else's
        return True
    return True


def _finish(
    store: Store, clock: Clock, run_id: uuid.UUID, report: SweepReport, error: BaseException | None
) -> None:
    with store.transaction() as session:
        run = session.get(SweepRun, run_id)
        assert run is not None
        run.finished_at = clock.now()
        run.results = report.as_json()
        run.status = "done" if error is None else "failed"
        run.error = None if error is None else type(error).__name__
        details = _tally(report, run.status)
        auditlog.record(session, auditlog.AUTOMATIC, "sweep", clock.now(),
                        target=("sweep_run", run_id), details=details)  # fmt: skip


def _tally(report: SweepReport, status: str) -> dict[str, Any]:
    """What the sweep did, per rule and record type: the audit log's counts."""
    done = {
        f"{o.rule}/{o.records}": {"deleted": o.deleted, "anonymised": o.anonymised, "held": o.held}
        for o in report.outcomes
        if o.deleted or o.anonymised or o.held
    }
    return {"status": status, "done": done}
