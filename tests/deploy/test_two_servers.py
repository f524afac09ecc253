"""Two `privet serve` processes on one PostgreSQL, as docs/deployment.md runs them: under a
write load through both, no acknowledged write is lost, and the daily sweep and backup
each run once (the advisory locks hold across processes)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import Engine, create_engine, func, select

from conftest import EXAMPLE, NOW
from deploy.conftest import Server, server_environment, serving, wait_until
from privet.backup.copies import copies
from privet.consent.models import ConsentReceipt
from privet.intake.models import Submission
from privet.policy.load import load_policy
from privet.retention.models import SweepRun

pytestmark = pytest.mark.postgres

THREADS, WRITES_EACH = 8, 24
CHORE_SECONDS = 20
DECISION = {"policy_version": load_policy(EXAMPLE).policy.version, "method": "banner",
            "granted": ["analytics"], "denied": ["marketing"], "language": "en"}  # fmt: skip


@pytest.fixture
def database(postgres_url: str) -> Iterator[Engine]:
    """A fresh database, migrated and its key check sealed, as `privet db upgrade` leaves
    it before the servers' first start (docs/deployment.md)."""
    engine = create_engine(postgres_url)
    yield engine
    engine.dispose()


def write(client: httpx.Client, server: Server, number: int) -> tuple[str, str, int]:
    """One write through `server`: a consent decision or a form; (kind, id, status)."""
    kind, path, body, key = (
        ("receipt", "/api/v1/consents", DECISION, "receipt_id")
        if number % 2
        else ("submission", "/api/v1/forms/contact/submissions", form_of(number), "id")
    )
    try:
        answer = client.post(f"{server.url}{path}", json=body)
    except httpx.TransportError:  # no answer: not acknowledged, and a failure all the same
        return kind, "", 0
    return kind, answer.json().get(key, "") if answer.is_success else "", answer.status_code


def form_of(number: int) -> dict[str, str]:
    return {"name": "Ann", "email": f"ann{number}@example.org", "message": "A quote, please"}


def stored(database: Engine) -> tuple[set[str], set[str], int]:
    """Receipt ids, submission ids, and sweep runs in the database."""
    with database.connect() as connection:
        receipts = {str(i) for i in connection.scalars(select(ConsentReceipt.id))}
        submissions = {str(i) for i in connection.scalars(select(Submission.id))}
        sweeps = connection.scalar(select(func.count()).select_from(SweepRun)) or 0
    return receipts, submissions, sweeps


def sweep_done(database: Engine) -> bool:
    with database.connect() as connection:
        return bool(connection.scalar(select(func.count()).where(SweepRun.status == "done")))


def test_two_servers_lose_no_write_and_sweep_and_back_up_once(
    postgres_url: str, database: Engine, tmp_path: Path
) -> None:
    backups = tmp_path / "backups"  # empty: a backup is due, as a sweep is
    environment = server_environment(tmp_path, postgres_url, PRIVET_BACKUP_DIR=str(backups))
    with serving(tmp_path, environment, as_of=NOW.date().isoformat()) as servers:
        targets = itertools.cycle(servers)
        jobs = [(next(targets), n) for n in range(THREADS * WRITES_EACH)]
        with httpx.Client(timeout=30) as client, ThreadPoolExecutor(THREADS) as pool:
            answers = list(pool.map(lambda job: write(client, *job), jobs))
        wait_until(lambda: sweep_done(database), CHORE_SECONDS, "the sweep")
        wait_until(lambda: len(copies(backups)) == 1, CHORE_SECONDS, "the backup")
    # Every write answered 201 (no 5xx, no refusal), and neither server logged an error.
    statuses = sorted({status for _, _, status in answers})
    assert (statuses, [line for server in servers for line in server.errors()]) == ([201], [])
    receipts, submissions, sweeps = stored(database)
    assert {i for kind, i, _ in answers if kind == "receipt"} == receipts
    assert {i for kind, i, _ in answers if kind == "submission"} == submissions
    assert len(receipts) + len(submissions) == THREADS * WRITES_EACH
    assert sweeps == 1
    # Both would name today's copy alike (the clock is fixed): the servers' logs say who.
    done = [e["event"] for server in servers for e in server.entries()]
    assert done.count("backup_done") == 1 and len(copies(backups)) == 1
