"""How fast the retention sweep removes expired records, next to one raw DELETE, and whether
its memory stays flat as the backlog grows.

Not a test: nothing here asserts a time. Run `.venv/bin/python bench/retention.py`; see
bench/README.md for what the numbers mean.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from load import POLICY, ROOT, Figure, add_json_option, write_figures
from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.engine import make_url
from subject_requests import DIALECTS

from privet.clock import FixedClock
from privet.config import Settings
from privet.consent.models import ConsentReceipt
from privet.consent.service import Decision, new_receipt
from privet.policy.load import load_policy
from privet.retention import partitions
from privet.retention.rules import rules_of
from privet.retention.sweep import BATCH, sweep
from privet.store.crypto import generate_secret
from privet.store.open import Store, open_store
from privet.store.types import UTCDateTime

RECEIPTS = 1_000_000  # expired receipts in the large backlog; the small one holds a tenth
QUICK = 10  # --quick divides the sizes by this
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
# Planted receipts are spread evenly over twelve months, seven years back: all past the
# policy's five years (rule consent_logs), and on PostgreSQL in twelve month partitions.
OLDEST = datetime(2019, 11, 1, tzinfo=UTC)
SPREAD = timedelta(days=365)
# Receipt n of count is made at OLDEST + n * :step seconds, in the form SQLAlchemy stores.
RECORDED_AT = {
    "sqlite": "datetime(:oldest, (numbers.n * :step) || ' seconds') || '.000000'",
    "postgresql": ":oldest + numbers.n * :step * interval '1 second'",
}
HOW = {
    "sqlite": "deletes",
    "postgresql": "drops expired months whole (partition drops), deletes the rest",
}
PLANT_CACHE_KIB = 1024 * 1024  # SQLite's indexes in memory while planting, not on disk
KEY_VARIABLE = "PRIVET_BENCH_SECRET_KEY"  # the child's key: in its environment, not its argv
RAW_DELETE = text("DELETE FROM consent_receipts WHERE recorded_at < :cutoff").bindparams(
    bindparam("cutoff", type_=UTCDateTime())
)


@dataclass(frozen=True)
class Run:
    """What one child process did: its work, its time, its peak RSS before and after."""

    name: str
    records: int
    seconds: float
    rss_before: int  # KiB, the process's high-water mark so far, not its current size
    rss_after: int

    @property
    def per_second(self) -> float:
        return self.records / self.seconds

    @property
    def growth_mb(self) -> float:
        return (self.rss_after - self.rss_before) / 1024

    def line(self) -> str:
        return (
            f"  {self.name:<38} {self.records:>9,} in {self.seconds:6.1f} s"
            f" {self.per_second:>9,.0f}/s  peak RSS {self.rss_after / 1024:4.0f} MB"
            f" ({self.growth_mb:+.0f} MB in the run)"
        )


def main() -> None:
    args = arguments()
    if args.child:
        kind, url = args.child
        print(json.dumps(in_this_process(kind, url)))
        return
    large = args.receipts // QUICK if args.quick else args.receipts
    small, secret = large // 10, generate_secret()
    with tempfile.TemporaryDirectory(prefix="privet-bench-") as scratch:
        figures = bench(f"sqlite:///{scratch}/bench.db", secret, small, large)
        with postgres() as url:
            if url is None:
                print("\npostgresql: not installed, skipped (apt-get install postgresql)")
            else:
                figures += bench(url, secret, small, large)
    write_figures(args.json, figures)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--receipts",
        type=int,
        default=RECEIPTS,
        help="the large backlog (1,000,000); the small one holds a tenth",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: sizes / 10")
    add_json_option(parser)
    # The bench runs itself with --child: one measured run in a fresh process.
    parser.add_argument("--child", nargs=2, metavar=("KIND", "URL"), help=argparse.SUPPRESS)
    return parser.parse_args()


@contextlib.contextmanager
def postgres() -> Iterator[str | None]:
    """A new database on the test suite's throwaway server (fsync off), if there is one."""
    sys.path.append(str(ROOT / "tests"))
    from postgres_server import find_bindir, running_postgres

    bindir = find_bindir()
    if bindir is None:
        yield None
        return
    with running_postgres(bindir) as admin_url:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("CREATE DATABASE privet_bench"))
        admin.dispose()
        yield make_url(admin_url).set(database="privet_bench").render_as_string(False)


def bench(url: str, secret: str, small: int, large: int) -> list[Figure]:
    store = open_store(settings(url, secret), FixedClock(NOW))
    name = store.engine.dialect.name
    print(f"\n{name}: expired consent receipts; the sweep {HOW[name]} in batches of {BATCH:,}")
    try:
        plant(store, large)
        with copied(store, url) as same_rows:  # the baseline's rows: planted once, copied
            raw = in_child("delete", same_rows, secret)
        print(raw.line(), flush=True)
        runs = [raw, in_child("sweep", url, secret)]
        print(runs[-1].line(), flush=True)
        plant(store, small)
        runs.append(in_child("sweep", url, secret))
        print(runs[-1].line())
    finally:
        store.close()
    raw, swept, few = runs
    print(f"  sweep / raw DELETE: {swept.per_second / raw.per_second:.2f} (target: 0.5 or more)")
    print(f"  sweep peak RSS, {large:,} / {small:,} records: {swept.rss_after / few.rss_after:.2f}"
          f" (target: flat, about 1.0); in the run {swept.growth_mb:+.0f} and"
          f" {few.growth_mb:+.0f} MB")  # fmt: skip
    return [
        Figure(f"{name}: sweep of {large:,} records", swept.per_second, "raw DELETE",
               raw.per_second, "/s", "0.5 or more"),
        Figure(f"{name}: sweep's peak RSS, {large:,} records", swept.rss_after / 1024,
               f"at {small:,}", few.rss_after / 1024, "MB", "flat, about 1.0"),
    ]  # fmt: skip


def settings(url: str, secret: str) -> Settings:
    # The key is given, so no key file is read or written.
    return Settings.from_env({}, policy=POLICY, database_url=url, secret_key=secret)


def plant(store: Store, count: int) -> None:
    """`count` expired receipts, committed, then the store at rest as a timed run finds it."""
    dialect = DIALECTS[store.engine.dialect.name]
    columns = ConsentReceipt.__table__.c
    constants = shared_columns(store)
    # Made by the database from a series of numbers: a million rows in seconds, where an
    # executemany through SQLAlchemy spends about 100 µs on each row.
    statement = text(
        f"INSERT INTO consent_receipts (id, visitor_index, recorded_at, {', '.join(constants)})"  # noqa: S608  # our own fragments, no input
        f" SELECT {dialect.random_id}, {dialect.random_index},"
        f" {RECORDED_AT[store.engine.dialect.name]},"
        f" {', '.join(f':{name}' for name in constants)} FROM {dialect.numbers}"
    ).bindparams(
        *(bindparam(name, type_=columns[name].type) for name in constants),
        bindparam("oldest", type_=UTCDateTime()),
    )
    step = SPREAD.total_seconds() / count
    with store.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql(f"PRAGMA cache_size=-{PLANT_CACHE_KIB}")
        # The months exist first, so the rows go straight into them (moving a million rows
        # out of the default partition takes longer than planting them); adopting the
        # default afterwards makes sure no row was left there.
        newest = (OLDEST + SPREAD).date()
        partitions.ensure_months(connection, "consent_receipts", OLDEST.date(), newest)
        connection.execute(statement, constants | {"count": count, "oldest": OLDEST, "step": step})
        partitions.adopt_default(connection, "consent_receipts")
    settle(store)


def shared_columns(store: Store) -> dict[str, Any]:
    """The columns every copy shares, as privet files a receipt: the record is the same one,
    encrypted once by the column's own type."""
    decision = Decision(uuid.uuid4(), "1", "banner", [], ["analytics", "marketing"], False, "en")
    receipt = new_receipt(load_policy(POLICY), store.keyring, decision, OLDEST, country=None,
                          privacy_url="https://example.org/privacy")  # fmt: skip
    shared = ("policy_version", "method", "granted", "denied", "gpc", "country", "record")
    return {name: getattr(receipt, name) for name in shared}


def settle(store: Store) -> None:
    """Each timed run starts from a store at rest: the planting on disk, checkpointed on
    SQLite, vacuumed and analysed on PostgreSQL as autovacuum would have."""
    if store.engine.dialect.name == "postgresql":
        autocommit = store.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        with autocommit as connection:
            connection.exec_driver_sql("VACUUM ANALYZE consent_receipts")
    else:
        raw = store.engine.raw_connection()  # outside any transaction, as a checkpoint needs
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.close()
    os.sync()


@contextlib.contextmanager
def copied(store: Store, url: str) -> Iterator[str]:
    """A copy of the store's database, rows and statistics, removed afterwards."""
    store.engine.dispose()  # PostgreSQL copies only a database nobody is connected to
    source = make_url(url)
    name = source.database
    if store.engine.dialect.name == "sqlite":
        shutil.copyfile(f"{name}", f"{name}.copy")
        try:
            yield f"sqlite:///{name}.copy"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{name}.copy{suffix}").unlink(missing_ok=True)
        return
    admin = create_engine(source.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}_copy TEMPLATE {name}"))
    try:
        yield source.set(database=f"{name}_copy").render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE {name}_copy WITH (FORCE)"))
        admin.dispose()


def in_child(kind: str, url: str, secret: str) -> Run:
    """One run in a fresh process, so its peak RSS is its own and not the planting's."""
    command = [sys.executable, __file__, "--child", kind, url]
    environment = os.environ | {KEY_VARIABLE: secret}
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603  # our own interpreter and arguments, no shell
    if done.returncode != 0:
        sys.exit(f"the {kind} run failed:\n{done.stderr}")
    return Run(**json.loads(done.stdout.splitlines()[-1]))


def in_this_process(kind: str, url: str) -> dict[str, Any]:
    store = open_store(settings(url, os.environ[KEY_VARIABLE]), FixedClock(NOW))
    rss_before = peak_rss_kib()
    started = time.perf_counter()
    records = sweep_all(store) if kind == "sweep" else delete_all(store)
    seconds = time.perf_counter() - started
    rss_after = peak_rss_kib()
    store.close()
    name = "sweep" if kind == "sweep" else "raw DELETE, one statement (baseline)"
    return {"name": name, "records": records, "seconds": seconds,
            "rss_before": rss_before, "rss_after": rss_after}  # fmt: skip


def peak_rss_kib() -> int:
    """This process's own peak RSS. Not ru_maxrss: Linux carries a parent's peak over fork
    and exec into its child, so every child would report the planting parent's size."""
    status = Path("/proc/self/status").read_text(encoding="ascii").splitlines()
    return int(next(line.split()[1] for line in status if line.startswith("VmHWM:")))


def sweep_all(store: Store) -> int:
    report = sweep(store, load_policy(POLICY), FixedClock(NOW))
    return sum(outcome.deleted for outcome in report.outcomes if outcome.rule == "consent_logs")


def delete_all(store: Store) -> int:
    """The baseline: the same rows, by the same cutoff, in one statement."""
    rule = next(rule for rule in rules_of(load_policy(POLICY)) if rule.name == "consent_logs")
    with store.engine.begin() as connection:
        return connection.execute(RAW_DELETE, {"cutoff": rule.cutoff(NOW)}).rowcount


if __name__ == "__main__":
    main()
