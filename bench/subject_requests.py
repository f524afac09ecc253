"""What one person's access export and erasure cost, as the store grows.

The same person, with the same ten records, among `--records` records and then among
`--scale` times as many: the cost must not grow with the table. Not a test: nothing here
asserts a time. Run `.venv/bin/python bench/subject_requests.py`; see bench/README.md for what the
numbers mean.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from load import POLICY, Figure, add_json_option, write_figures
from sqlalchemy import (
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    bindparam,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from privet.backup.ledger import ErasureLedger
from privet.clock import FixedClock
from privet.config import Settings
from privet.consent.models import ConsentReceipt
from privet.consent.service import Decision, link_visitor, new_receipt
from privet.intake.models import Submission
from privet.marketing.models import MarketingConsent
from privet.models import Base
from privet.notify.service import queue_email
from privet.policy.load import load_policy
from privet.policy.schema import Policy
from privet.rights.archive import SubjectExport, build_archive
from privet.rights.erase import erase_subject
from privet.rights.gather import gather
from privet.store.crypto import generate_secret
from privet.store.open import Store, open_store
from privet.store.types import keyring_of
from privet.subjects.models import Subject
from privet.subjects.service import find_subject, get_or_create_subject

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
EXPORT_EMAIL = "export@example.org"
# The measured person sent seven forms, made one cookie choice, opted in to marketing once
# and was mailed once: ten records, the same at every size. The filler copies these ten,
# so the store holds the same mix: 70 % submissions, 10 % each of the others.
MESSAGES = [
    "A quote for a small website, please.",
    "Could you add an online shop to the site you made for us?",
    "Bonjour, je voudrais un devis pour une application mobile.",
    "Following up on my request from last week.",
    "We need hosting for two years; what are your rates?",
    "Please call me back on Tuesday morning.",
    "Thank you, the invoice is paid.",
]
RECORDS_EACH = len(MESSAGES) + 3
FILLED = ("submissions", "consent_receipts", "marketing_consents", "outbox_messages")
BUILD_CACHE_KIB = 2 * 1024 * 1024
HELPER = Table(  # filler subject number -> its id and its browser: the filler's join key
    "bench_subjects",
    MetaData(),
    Column("n", Integer, primary_key=True, autoincrement=False),
    Column("id", Uuid),
    Column("visitor_index", String(64)),
)


@dataclass(frozen=True)
class Dialect:
    numbers: str  # a FROM item: the integers 0 .. :count - 1 as numbers(n)
    random_id: str  # a new random UUID, in the form the column stores
    random_index: str  # 64 random hex digits: a blind index nobody's address has


DIALECTS = {
    "sqlite": Dialect(
        "(WITH RECURSIVE numbers(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM numbers"
        " WHERE n + 1 < :count) SELECT n FROM numbers) AS numbers",
        "lower(hex(randomblob(16)))",  # SQLAlchemy's Uuid on SQLite: 32 hex digits
        "lower(hex(randomblob(32)))",
    ),
    "postgresql": Dialect(
        "generate_series(0, :count - 1) AS numbers(n)",
        "gen_random_uuid()",
        "md5(random()::text) || md5(random()::text)",
    ),
}


@dataclass(frozen=True)
class Sample:
    records: int
    built_seconds: float
    baseline: float  # medians, in seconds
    export: float
    erasure: float


def main() -> None:
    args = arguments()
    policy = load_policy(POLICY)
    with tempfile.TemporaryDirectory(prefix="privet-bench-") as scratch:
        folder = Path(scratch)
        url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
        settings = Settings.from_env(
            {},
            policy=POLICY,
            database_url=url,
            secret_key=generate_secret(),
            secret_key_file=folder / "privet.key",
        )
        store = open_store(settings, FixedClock(NOW))
        try:
            samples = run(store, policy, ErasureLedger(settings.erasure_ledger), args)
        finally:
            with store.engine.begin() as connection:
                HELPER.drop(connection, checkfirst=True)
            store.close()
    report(samples)
    write_figures(args.json, figures(samples), [
        f"{store.engine.dialect.name}; {args.subjects:,} people; median of {args.repeat} runs",
        *(f"built {sample.records:,} records in {sample.built_seconds:.0f} s"
          for sample in samples),
    ])  # fmt: skip


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="first size (1,000,000)")
    parser.add_argument("--scale", type=int, default=10, help="second size / first (10)")
    parser.add_argument("--subjects", type=int, default=100_000, help="filler people (100,000)")
    parser.add_argument("--repeat", type=int, default=51, help="runs per median (51)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 100,000 records")
    parser.add_argument(
        "--database-url", help="an empty PostgreSQL database (default: a new SQLite file)"
    )
    add_json_option(parser)
    args = parser.parse_args()
    if args.quick:
        args.records = 100_000
    return args


def run(
    store: Store, policy: Policy, ledger: ErasureLedger, args: argparse.Namespace
) -> list[Sample]:
    dialect = DIALECTS[store.engine.dialect.name]
    with store.transaction() as session:
        if session.scalar(select(Subject.id).limit(1)) is not None:
            sys.exit("the database holds people already: give the bench an empty one")
        templates = plant(session, policy, EXPORT_EMAIL)
    print(f"{store.engine.dialect.name}, {args.subjects:,} people, median of {args.repeat} runs")
    started = time.perf_counter()
    with building(store) as connection:
        fill_subjects(connection, dialect, templates[0][1], args.subjects)
    built, samples = RECORDS_EACH, []
    for size in (args.records, args.records * args.scale):
        with building(store) as connection:
            fill_records(connection, dialect, templates[1:], size - built, args.subjects)
        seconds, built = time.perf_counter() - started, size
        print(f"built {size:,} records in {seconds:.1f} s", flush=True)
        samples.append(measure(store, policy, ledger, size=size, built=seconds, repeat=args.repeat))
        started = time.perf_counter()
    return samples


@contextlib.contextmanager
def building(store: Store) -> Iterator[Connection]:
    """A transaction to fill the store in; afterwards the store is as privet would run it."""
    with store.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            # The indexes of ten million rows in memory (2 GB at most) rather than on disk.
            connection.exec_driver_sql(f"PRAGMA cache_size=-{BUILD_CACHE_KIB}")
        indexes = secondary_indexes(connection)
        for index in indexes:
            index.drop(connection)
        yield connection
        for index in indexes:  # built once over all the rows: faster than row by row
            index.create(connection)
    if store.engine.dialect.name == "postgresql":
        with store.engine.begin() as connection:
            connection.execute(text("ANALYZE"))  # what autovacuum would have done by now
    store.engine.dispose()  # measured connections start with privet's own settings


def secondary_indexes(connection: Connection) -> list[Index]:
    """The filled tables' own indexes that the database has. Only those: an index that a
    migration forgot must stay missing here, or the bench could not show its cost."""
    found = []
    for name in FILLED:
        existing = {index["name"] for index in inspect(connection).get_indexes(name)}
        found += [index for index in Base.metadata.tables[name].indexes if index.name in existing]
    return found


def plant(session: Session, policy: Policy, email: str) -> list[tuple[str, uuid.UUID]]:
    """One person and their ten records, written as privet writes them; (table, id) of each."""
    subject = get_or_create_subject(session, email, NOW)
    session.flush()
    version = policy.policy.version
    records: list[Submission | ConsentReceipt | MarketingConsent] = [
        Submission(
            subject_id=subject.id, form="contact", purpose="quotes_and_orders",
            legal_basis="contract", categories="contact", policy_version=version,
            fields=json.dumps({"email": email, "message": message, "name": "Ann Example"}),
            submitted_at=NOW,
        )
        for message in MESSAGES
    ]  # fmt: skip
    visitor = uuid.uuid4()
    link_visitor(session, subject, visitor, NOW)
    decision = Decision(visitor, version, "banner", [], ["analytics"], False, "en")
    keyring = keyring_of(session.get_bind().dialect)
    records.append(new_receipt(policy, keyring, decision, NOW, country=None,
                               privacy_url="https://example.org/privacy"))  # fmt: skip
    records.append(
        MarketingConsent(
            subject_id=subject.id, method="form", form="contact", wording="Send me news.",
            language="en", policy_version=version, given_at=NOW, confirmed_at=NOW,
        )
    )  # fmt: skip
    session.add_all(records)
    mail = queue_email(session, email, "Your quote", "Dear Ann, ...", NOW, subject_id=subject.id)
    mail.sent_at = NOW
    session.flush()
    return [("subjects", subject.id)] + [(r.__tablename__, r.id) for r in [*records, mail]]


def fill_subjects(
    connection: Connection, dialect: Dialect, template: uuid.UUID, count: int
) -> None:
    """`count` people, each a copy of the person `template` with one browser of their own."""
    HELPER.create(connection)
    connection.execute(
        text(
            f"INSERT INTO bench_subjects (n, id, visitor_index) SELECT numbers.n,"  # noqa: S608  # our own fragments, no input
            f" {dialect.random_id}, {dialect.random_index} FROM {dialect.numbers}"
        ),
        {"count": count},
    )
    for table in ("subjects", "subject_visitors"):
        clone(connection, dialect, Base.metadata.tables[table], template,
              count=count, offset=0, subjects=count)  # fmt: skip


def fill_records(
    connection: Connection, dialect: Dialect, templates: list[tuple[str, uuid.UUID]],
    count: int, subjects: int,
) -> None:  # fmt: skip
    """`count` more records, as many copies of each template, spread over the filler people."""
    each = count // len(templates)
    for number, (table, row_id) in enumerate(templates):
        clone(connection, dialect, Base.metadata.tables[table], row_id,
              count=each, offset=number * each, subjects=subjects)  # fmt: skip


def clone(
    connection: Connection, dialect: Dialect, table: Table, template: uuid.UUID, *,
    count: int, offset: int, subjects: int,
) -> None:  # fmt: skip
    """`count` copies of one row of `table`, copy n for filler person (n + offset) % subjects.

    Each copy keeps the template's ciphertexts, which still open under the same column, and
    gets a random id and blind index, so the indexes grow as with real people."""
    names = [column.name for column in table.columns]
    new = {
        "id": "b.id" if table.name == "subjects" else dialect.random_id,
        "subject_id": "b.id",
        "visitor_index": "b.visitor_index",
        "email_index": dialect.random_index,
    }
    key = "subject_id" if table.name == "subject_visitors" else "id"
    # The template is read from a copy: SQLite copies a whole INSERT's result to a temporary
    # table first when the SELECT reads the table being filled.
    connection.execute(
        text(f"CREATE TEMPORARY TABLE bench_template AS SELECT * FROM {table.name}"  # noqa: S608  # names from our own models
             f" WHERE {key} = :template").bindparams(bindparam("template", type_=Uuid())),
        {"template": template},
    )  # fmt: skip
    connection.execute(
        text(
            f"INSERT INTO {table.name} ({', '.join(names)})"  # noqa: S608  # names from our own models
            f" SELECT {', '.join(new.get(name, f't.{name}') for name in names)}"
            f" FROM {dialect.numbers} CROSS JOIN bench_template t"
            " JOIN bench_subjects b ON b.n = (numbers.n + :offset) % :subjects"
            # In id order, so the primary key's index, which stays, grows in one pass.
            + (f" ORDER BY {names.index('id') + 1}" if "id" in names else "")
        ),
        {"count": count, "offset": offset, "subjects": subjects},
    )
    connection.execute(text("DROP TABLE bench_template"))


def measure(
    store: Store, policy: Policy, ledger: ErasureLedger, *, size: int, built: float, repeat: int
) -> Sample:
    # A new person for each erasure, so that every run erases the same ten records.
    people = [f"erase-{size}-{number}@example.org" for number in range(repeat + 1)]
    with store.transaction() as session:
        for email in people:
            plant(session, policy, email)
        subject = find_subject(session, EXPORT_EMAIL)
        assert subject is not None
    os.sync()  # the build on disk: its write-back must not slow the runs
    runs: dict[str, Callable[[], int]] = {
        "baseline": lambda: select_submissions(store, subject.id),
        "export": lambda: export_archive(store, policy),
        "erasure": lambda: erase(store, policy, ledger, people.pop()),
    }
    # A first run of each, not timed: statements compiled and pages cached, as on a server
    # that has been up a while. It also shows that each size does the same work.
    rows, archive, deleted = (run() for run in runs.values())
    print(f"  each SELECT: {rows} rows; each export: a {archive:,}-byte archive;"
          f" each erasure: {deleted} rows deleted")  # fmt: skip
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):  # in turns, so a slow moment of the machine slows all three
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    medians = {name: statistics.median(seconds) for name, seconds in times.items()}
    return Sample(size, built, **medians)


BASELINE = text("SELECT * FROM submissions WHERE subject_id = :subject").bindparams(
    bindparam("subject", type_=Uuid())
)


def select_submissions(store: Store, subject_id: uuid.UUID) -> int:
    # In a transaction like the others, so the ratios count only what privet adds.
    with store.transaction() as session:
        return len(session.execute(BASELINE, {"subject": subject_id}).all())


def export_archive(store: Store, policy: Policy) -> int:
    """What answering an access request does in privet's store, as `carry_out` does it."""
    with store.transaction() as session:
        subject = find_subject(session, EXPORT_EMAIL)
        assert subject is not None
        records = gather(session, subject)
    controller = {"name": policy.controller.name, "email": policy.controller.email}
    export = SubjectExport(
        generated_at=NOW, request_id=None, kind="access", language="en", controller=controller,
        email=EXPORT_EMAIL, records=records, systems={},
    )  # fmt: skip
    return len(build_archive(export))


def erase(store: Store, policy: Policy, ledger: ErasureLedger, email: str) -> int:
    # Noted in the ledger (a line, forced to disk) before the commit, as privet erases.
    with store.transaction() as session:
        erased = erase_subject(session, policy, email, ledger=ledger, language="en", now=NOW)
    return sum(erased.deleted.values())


def report(samples: list[Sample]) -> None:
    """Medians in milliseconds; each request also as a multiple of the bare SELECT."""
    print(f"\n{'records':>12} {'build':>8} {'SELECT':>9} {'export':>9} {'':>5} {'erasure':>9}")
    for s in samples:
        print(
            f"{s.records:>12,} {s.built_seconds:>6.0f} s {s.baseline * 1000:>6.2f} ms"
            f" {s.export * 1000:>6.2f} ms {s.export / s.baseline:>4.0f}x"
            f" {s.erasure * 1000:>6.2f} ms {s.erasure / s.baseline:>4.0f}x"
        )
    small, large = samples
    print(f"\n{large.records:,} / {small.records:,} records (target: under 1.5)")
    for name in ("baseline", "export", "erasure"):
        print(f"  {name:<9} {getattr(large, name) / getattr(small, name):.2f}")


def figures(samples: list[Sample]) -> list[Figure]:
    """Each request at the larger size against itself at the smaller, then against the
    SELECT at the larger size."""
    small, large = samples
    named = {"baseline": "SELECT", "export": "export", "erasure": "erasure"}
    grown = [
        Figure(f"{named[name]} at {large.records:,} records", getattr(large, name) * 1000,
               f"at {small.records:,}", getattr(small, name) * 1000, "ms",
               "" if name == "baseline" else "under 1.5")
        for name in named
    ]  # fmt: skip
    return grown + [
        Figure(f"{named[name]} at {large.records:,} records", getattr(large, name) * 1000,
               f"SELECT at {large.records:,}", large.baseline * 1000, "ms")
        for name in ("export", "erasure")
    ]  # fmt: skip


if __name__ == "__main__":
    main()
