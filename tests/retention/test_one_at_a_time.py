"""Two servers never sweep at once: the second one does nothing and says so."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from conftest import make_settings
from privet.clock import FixedClock
from privet.policy.schema import Policy
from privet.retention.models import SweepRun
from privet.retention.sweep import SWEEP_LOCK, SweepBusy, sweep
from privet.store.open import Store, open_store


def opened(url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Store]:
    store = open_store(make_settings(tmp_path, url), clock)
    yield store
    store.close()


@pytest.fixture
def store_on_postgres(postgres_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Store]:
    yield from opened(postgres_url, tmp_path, clock)


@pytest.fixture
def sqlite_store(sqlite_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Store]:
    yield from opened(sqlite_url, tmp_path, clock)


@pytest.mark.postgres
def test_a_sweep_waits_for_none_while_another_holds_the_lock(
    postgres_url: str, store_on_postgres: Store, policy: Policy, clock: FixedClock
) -> None:
    other = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://"))
    with other.connect() as connection:
        assert connection.exec_driver_sql(f"SELECT pg_try_advisory_lock({SWEEP_LOCK})").scalar()
        with pytest.raises(SweepBusy):
            sweep(store_on_postgres, policy, clock)
        # Released explicitly: a closed connection's lock goes only when its server
        # process notices, which a test must not race.
        connection.exec_driver_sql(f"SELECT pg_advisory_unlock({SWEEP_LOCK})")
    other.dispose()
    sweep(store_on_postgres, policy, clock)
    with store_on_postgres.transaction() as session:
        assert [run.status for run in session.scalars(select(SweepRun))] == ["done"]


def test_on_sqlite_a_running_sweep_of_a_live_process_blocks_another(
    sqlite_store: Store, policy: Policy, clock: FixedClock
) -> None:
    alive = f"{socket.gethostname()}:{os.getppid()}"
    with sqlite_store.transaction() as session:
        session.add(SweepRun(started_at=clock.now(), owner=alive, as_of=clock.now(),
                             status="running"))  # fmt: skip
    with pytest.raises(SweepBusy):
        sweep(sqlite_store, policy, clock)
