from __future__ import annotations

import stat
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, inspect, text

from conftest import NOW, database_copy, make_settings
from privet.clock import FixedClock
from privet.store.crypto import Keyring, SecretKeyError, decode_secret, generate_secret
from privet.store.engine import create_store_engine
from privet.store.keys import CHECK_CONTEXT, CHECK_PLAINTEXT
from privet.store.migrate import current_revision, head_revision, upgrade
from privet.store.models import KeyCheck
from privet.store.open import open_store
from privet.subjects.service import get_or_create_subject

TABLES = {"subjects", "staff_users", "staff_sessions", "api_tokens", "store_key_check"}


def test_it_migrates_an_empty_sqlite_file_to_the_latest_schema(tmp_path: Path) -> None:
    store = open_store(make_settings(tmp_path, f"sqlite:///{tmp_path}/new.db"), FixedClock(NOW))
    assert current_revision(store.engine) == head_revision()
    assert set(inspect(store.engine).get_table_names()) >= TABLES
    store.close()


@pytest.mark.postgres
def test_it_migrates_an_empty_postgres_database_to_the_latest_schema(
    postgres_admin_url: str, tmp_path: Path
) -> None:
    from sqlalchemy import create_engine

    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS migrate_from_empty"))
        connection.execute(text("CREATE DATABASE migrate_from_empty"))
    url = postgres_admin_url.rsplit("/", 1)[0] + "/migrate_from_empty"
    store = open_store(make_settings(tmp_path, url), FixedClock(NOW))
    assert current_revision(store.engine) == head_revision()
    assert set(inspect(store.engine).get_table_names()) >= TABLES
    store.close()
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE migrate_from_empty WITH (FORCE)"))
    admin.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    store = open_store(make_settings(tmp_path, f"sqlite:///{tmp_path}/wal.db"), FixedClock(NOW))
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    store.close()


def test_it_refuses_to_open_a_database_with_another_key(database_url: str, tmp_path: Path) -> None:
    other = make_settings(tmp_path, database_url, secret_key=generate_secret())
    with pytest.raises(SecretKeyError, match="not the one this database was written with"):
        open_store(other, FixedClock(NOW))


def test_it_writes_nothing_when_the_key_is_wrong(database_url: str, tmp_path: Path) -> None:
    other = make_settings(tmp_path, database_url, secret_key=generate_secret())
    with pytest.raises(SecretKeyError):
        open_store(other, FixedClock(NOW))
    right = open_store(make_settings(tmp_path, database_url), FixedClock(NOW))
    with right.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM subjects")).scalar() == 0
    right.close()


def test_it_makes_a_private_key_file_on_first_run(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path}/first.db", secret_key="")
    open_store(settings, FixedClock(NOW)).close()
    assert stat.S_IMODE(settings.secret_key_file.stat().st_mode) == 0o600
    open_store(settings, FixedClock(NOW)).close()  # and reads it back next time


def test_it_removes_a_key_it_made_for_a_database_that_has_another(
    database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, database_url, secret_key="")
    with pytest.raises(SecretKeyError):
        open_store(settings, FixedClock(NOW))
    assert not settings.secret_key_file.exists()


def test_no_email_is_stored_in_clear_in_the_sqlite_file(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path}/raw.db")
    store = open_store(settings, FixedClock(NOW))
    with store.transaction() as session:
        get_or_create_subject(session, "Ann.Onymous@example.org", NOW)
    store.close()  # checkpoints the WAL into the file
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("raw.db*"))
    assert b"Ann.Onymous" not in stored
    assert b"example.org" not in stored


@pytest.mark.postgres
def test_no_email_is_stored_in_clear_in_postgres(postgres_url: str, tmp_path: Path) -> None:
    store = open_store(make_settings(tmp_path, postgres_url), FixedClock(NOW))
    with store.transaction() as session:
        get_or_create_subject(session, "Ann.Onymous@example.org", NOW)
    with store.engine.connect() as connection:
        dump = connection.execute(text("SELECT subjects::text FROM subjects")).scalar_one()
    store.close()
    assert "example.org" not in dump


def test_a_new_sqlite_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    store = open_store(make_settings(tmp_path, f"sqlite:///{tmp_path}/own.db"), FixedClock(NOW))
    with store.transaction() as session:
        get_or_create_subject(session, "ann@example.org", NOW)
    for path in tmp_path.glob("own.db*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    store.close()


@pytest.mark.postgres
def test_a_server_losing_the_race_to_a_new_database_checks_the_winners_key(
    postgres_admin_url: str, tmp_path: Path
) -> None:
    """Two servers start on a never-opened database: the one whose first write of the key
    check loses waits for the winner, then checks its key against the winner's."""
    winner = Keyring(decode_secret(generate_secret()))
    with database_copy(postgres_admin_url, None, "race") as url:
        engine = create_store_engine(url, winner)
        upgrade(engine)
        with engine.connect() as holding:  # the winner has written its check, not committed
            holding.begin()
            sealed = winner.encrypt(CHECK_PLAINTEXT, CHECK_CONTEXT)
            row = {"id": 1, "key_id": winner.key_id, "sealed": sealed, "created_at": NOW}
            holding.execute(insert(KeyCheck).values(**row))
            outcome: list[BaseException | None] = []
            loser = threading.Thread(target=_open_and_note, args=(url, tmp_path, outcome))
            loser.start()
            _wait_until_a_backend_waits_for_a_lock(engine)
            holding.commit()
            loser.join()
        engine.dispose()
    assert isinstance(outcome[0], SecretKeyError), outcome


def _open_and_note(url: str, tmp_path: Path, outcome: list[BaseException | None]) -> None:
    try:
        open_store(make_settings(tmp_path, url, secret_key=generate_secret()), FixedClock(NOW))
        outcome.append(None)
    except BaseException as error:  # the test asserts which
        outcome.append(error)


def _wait_until_a_backend_waits_for_a_lock(engine: Engine) -> None:
    waiting = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
    deadline = time.monotonic() + 30
    with engine.connect() as connection:
        while connection.execute(waiting).scalar() == 0:
            assert time.monotonic() < deadline, "the second server never reached the key check"
            connection.rollback()
