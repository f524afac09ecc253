"""Work rolled back by PostgreSQL for another transaction's sake runs again; other errors
do not. The errors are PostgreSQL's own, raised with their SQLSTATE."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from conftest import make_settings
from privet.clock import FixedClock
from privet.store.conflicts import ATTEMPTS, retried
from privet.store.open import Store, open_store

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_store(postgres_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Store]:
    store = open_store(make_settings(tmp_path, postgres_url), clock)
    with store.transaction() as session:
        session.execute(text("CREATE TABLE attempts (n int)"))
    yield store
    store.close()


def failing(times: int, code: str, tries: list[int]) -> Callable[[Session], int]:
    """Work that writes a row, then fails with `code` the first `times` tries."""

    def work(session: Session) -> int:
        tries.append(len(tries) + 1)
        session.execute(text("INSERT INTO attempts VALUES (:n)"), {"n": len(tries)})
        if len(tries) <= times:
            raise_sql = f"DO $$ BEGIN RAISE EXCEPTION 'lost' USING ERRCODE = '{code}'; END $$"
            session.execute(text(raise_sql))
        return len(tries)

    return work


def rows(store: Store) -> list[int]:
    with store.transaction() as session:
        return list(session.scalars(text("SELECT n FROM attempts ORDER BY n")))


@pytest.mark.parametrize("code", ["40P01", "40001"], ids=["deadlock", "serialization"])
def test_work_the_database_rolled_back_for_another_runs_again(pg_store: Store, code: str) -> None:
    tries: list[int] = []
    assert retried(pg_store, failing(ATTEMPTS - 1, code, tries)) == ATTEMPTS
    assert rows(pg_store) == [ATTEMPTS]  # the rolled-back tries left nothing


def test_it_gives_up_after_its_attempts(pg_store: Store) -> None:
    tries: list[int] = []
    with pytest.raises(DBAPIError):
        retried(pg_store, failing(ATTEMPTS, "40P01", tries))
    assert tries == list(range(1, ATTEMPTS + 1)) and rows(pg_store) == []


def test_any_other_error_is_raised_at_once(pg_store: Store) -> None:
    tries: list[int] = []
    with pytest.raises(DBAPIError):
        retried(pg_store, failing(1, "23505", tries))
    assert tries == [1]
