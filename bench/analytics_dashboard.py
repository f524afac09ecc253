"""How long the analytics dashboard takes to read a month, over 1,000,000 raw page views and
over 10,000,000: it reads the daily aggregates only, so the time should stay flat.

Not a test: nothing here asserts a time. Run `.venv/bin/python bench/analytics_dashboard.py`;
see bench/README.md for what the numbers mean.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from load import POLICY, Figure, add_json_option, write_figures
from sqlalchemy import bindparam, text
from subject_requests import DIALECTS

from privet.analytics.rollup import roll_up
from privet.analytics.stats import stats
from privet.clock import FixedClock
from privet.policy.load import load_policy
from privet.retention import partitions
from privet.store.crypto import generate_secret
from privet.store.open import Store, open_store
from privet.store.types import UTCDateTime
from retention import postgres, settings

VIEWS = 10_000_000  # page views in the month at the larger size; the smaller holds a tenth
QUICK = 10  # --quick divides the sizes by this
CHUNK = 1_000_000  # rows planted a transaction
REPEAT = 21  # timed reads of each kind; the median is printed
FIRST, LAST = date(2026, 10, 1), date(2026, 10, 31)  # the month planted and read
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
PLANT_CACHE_KIB = 1024 * 1024
# View n of the month: 500 pages, 40 referrers (a quarter direct), 10 countries, 6 browsers,
# 3 devices, a duration for two views in three, and 50,000 visitors a day. Fewer values than
# the roll-up keeps (1,000), so both sizes keep every value: the aggregates are the same size.
COLUMNS = {
    "path": "'/page/' || (numbers.n % 500)",
    "referrer_host": "CASE WHEN numbers.n % 4 = 0 THEN NULL"
    " ELSE 'ref' || (numbers.n % 40) || '.example.org' END",
    "viewport": "'desktop'",
    "duration_ms": "CASE WHEN numbers.n % 3 = 0 THEN NULL ELSE numbers.n % 60000 END",
    "country": "substr('FRDEUSGBESITNLBEPLSE', 1 + 2 * (numbers.n % 10), 2)",
    "browser": "'Browser ' || (numbers.n % 6)",
    "device": "CASE numbers.n % 3 WHEN 0 THEN 'mobile' WHEN 1 THEN 'desktop' ELSE 'tablet' END",
}
VISITOR = {
    "sqlite": "printf('%064d', numbers.n % 50000)",
    "postgresql": "lpad((numbers.n % 50000)::text, 64, '0')",
}
VIEWED_AT = {  # view n is made at :first + (n - :planted) * :step seconds
    "sqlite": "datetime(:first, ((numbers.n - :planted) * :step) || ' seconds') || '.000000'",
    "postgresql": ":first + (numbers.n - :planted) * :step * interval '1 second'",
}
COUNT = text(
    "SELECT count(*) FROM pageviews WHERE viewed_at >= :start AND viewed_at < :end"
).bindparams(bindparam("start", type_=UTCDateTime()), bindparam("end", type_=UTCDateTime()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--views",
        type=int,
        default=VIEWS,
        help="the larger size (10,000,000); the smaller holds a tenth",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: sizes / 10")
    add_json_option(parser)
    args = parser.parse_args()
    large = args.views // QUICK if args.quick else args.views
    sizes, secret = [large // 10, large], generate_secret()
    with tempfile.TemporaryDirectory(prefix="privet-bench-") as scratch:
        figures = bench(f"sqlite:///{scratch}/bench.db", secret, sizes)
        with postgres() as url:
            if url is None:
                print("\npostgresql: not installed, skipped (apt-get install postgresql)")
            else:
                figures += bench(url, secret, sizes)
    write_figures(args.json, figures, ["raw count(*) reads the rows: about 10 is expected"])


def bench(url: str, secret: str, sizes: list[int]) -> list[Figure]:
    store = open_store(settings(url, secret), FixedClock(NOW))
    print(f"\n{store.engine.dialect.name}: one month ({FIRST} to {LAST}), median of {REPEAT}")
    planted, measured = 0, []
    try:
        for size in sizes:
            started = time.perf_counter()
            plant(store, planted, size)
            built = time.perf_counter() - started
            planted, rolled = size, roll_up_month(store)
            dashboard, raw = measure(store)
            print(f"  {size:>10,} views: planted in {built:5.1f} s, rolled up in {rolled:5.1f} s;"
                  f" stats() {dashboard * 1000:7.2f} ms, raw count(*) {raw * 1000:8.2f} ms",
                  flush=True)  # fmt: skip
            measured.append((dashboard, raw))
    finally:
        store.close()
    (small, small_raw), (large, large_raw) = measured
    print(f"  {sizes[1]:,} / {sizes[0]:,}: stats() {large / small:.2f} (target: flat, about 1.0),"
          f" raw count(*) {large_raw / small_raw:.2f}")  # fmt: skip
    name, at = store.engine.dialect.name, f"{sizes[1]:,} views"
    return [
        Figure(f"{name}: stats() at {at}", large * 1000, f"at {sizes[0]:,}", small * 1000, "ms",
               "flat, about 1.0"),
        Figure(f"{name}: raw count(*) at {at}", large_raw * 1000, f"at {sizes[0]:,}",
               small_raw * 1000, "ms"),
        Figure(f"{name}: stats() at {at}", large * 1000, f"raw count(*) at {at}",
               large_raw * 1000, "ms"),
    ]  # fmt: skip


def plant(store: Store, planted: int, total: int) -> None:
    """Views `planted` to `total`, spread evenly over the month beside those planted before,
    in transactions of CHUNK; made by the database from a series of numbers."""
    name = store.engine.dialect.name
    dialect = DIALECTS[name]
    numbers = f"(SELECT n + :offset AS n FROM {dialect.numbers}) AS numbers"  # noqa: S608  # our own fragments
    statement = text(
        f"INSERT INTO pageviews (id, viewed_at, visitor, {', '.join(COLUMNS)})"  # noqa: S608  # our own fragments, no input
        f" SELECT {dialect.random_id}, {VIEWED_AT[name]}, {VISITOR[name]},"
        f" {', '.join(COLUMNS.values())} FROM {numbers}"
    ).bindparams(bindparam("first", type_=UTCDateTime()))
    start = datetime.combine(FIRST, datetime.min.time(), UTC)
    step = (LAST - FIRST + timedelta(days=1)).total_seconds() / (total - planted)
    for offset in range(planted, total, CHUNK):
        with store.engine.begin() as connection:
            if name == "sqlite":
                connection.exec_driver_sql(f"PRAGMA cache_size=-{PLANT_CACHE_KIB}")
            partitions.ensure_months(connection, "pageviews", FIRST, LAST)
            count = min(CHUNK, total - offset)
            connection.execute(statement, {"count": count, "offset": offset, "first": start,
                                           "planted": planted, "step": step})  # fmt: skip
    settle(store)


def roll_up_month(store: Store) -> float:
    """Every day of the month counted again, as privet does it; the seconds it took."""
    policy = load_policy(POLICY)
    started = time.perf_counter()
    day = FIRST
    while day <= LAST:
        with store.transaction() as session:
            roll_up(session, policy, day, NOW)
        day += timedelta(days=1)
    seconds = time.perf_counter() - started
    settle(store)
    return seconds


def measure(store: Store) -> tuple[float, float]:
    """Medians of the dashboard's read and of the raw count, taking turns."""
    start = datetime.combine(FIRST, datetime.min.time(), UTC)
    bounds = {"start": start, "end": start + (LAST - FIRST + timedelta(days=1))}

    def dashboard() -> None:
        with store.transaction() as session:
            stats(session, FIRST, LAST)

    def raw() -> None:
        with store.engine.connect() as connection:
            connection.execute(COUNT, bounds).scalar_one()

    timings: dict[Callable[[], None], list[float]] = {dashboard: [], raw: []}
    for _ in range(REPEAT + 1):  # the first of each is untimed: caches warm
        for work, times in timings.items():
            started = time.perf_counter()
            work()
            times.append(time.perf_counter() - started)
    return statistics.median(timings[dashboard][1:]), statistics.median(timings[raw][1:])


def settle(store: Store) -> None:
    """Statistics up to date, as autovacuum (PostgreSQL) or a checkpoint (SQLite) leaves them."""
    if store.engine.dialect.name == "postgresql":
        autocommit = store.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        with autocommit as connection:
            for table in ("pageviews", "analytics_days", "analytics_day_values"):
                connection.exec_driver_sql(f"VACUUM ANALYZE {table}")
    else:
        raw = store.engine.raw_connection()
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.close()


if __name__ == "__main__":
    main()
