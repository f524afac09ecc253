"""Fixtures shared by every test: real databases, a fixed clock, the app and its personas.

Every store test runs twice, on a SQLite file and on a PostgreSQL server the session
starts. Each test gets a fresh database copied from a template migrated once per session.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text

from postgres_server import find_bindir, running_postgres
from privet.admin import service as staff_service
from privet.clock import FixedClock
from privet.config import Settings
from privet.policy.load import load_policy
from privet.policy.schema import Policy
from privet.store.open import Store, open_store
from privet.web.app import create_app

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "ntoprog" / "policy.yaml"
# A fixed key for test databases; tests of key handling make their own.
TEST_SECRET = "dGVzdHMtb25seS1zZWNyZXQta2V5LTMyLWJ5dGVzISE="
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"

# On CI, property tests replay the same examples every run, so a landing never hangs on
# luck; on a developer's machine they explore afresh and find new cases.
hypothesis_settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def make_settings(tmp_path: Path, database_url: str, **given: object) -> Settings:
    values: dict[str, object] = {
        "policy": EXAMPLE,
        "database_url": database_url,
        "secret_key": TEST_SECRET,
        "secret_key_file": tmp_path / "privet.key",
        "backup_dir": tmp_path / "backups",  # as the example policy promises backups
    }
    return Settings.from_env({}, **(values | given))


@pytest.fixture(autouse=True)
def _root_logger_restored() -> Iterator[None]:
    """Commands run in-process (CliRunner) point the root logger at their own stderr,
    closed when they return: put the logger back, or later threads' lines fail to write."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    if url := os.environ.get("PRIVET_TEST_POSTGRES_URL"):
        yield url
        return
    bindir = find_bindir()
    if bindir is None:
        message = "PostgreSQL is not installed (apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: CI must run the PostgreSQL tests")
        pytest.skip(f"{message}; PostgreSQL tests skipped")
    with running_postgres(bindir) as url:
        yield url


def _migrated_template(url: str, tmp_path: Path) -> None:
    open_store(make_settings(tmp_path, url), FixedClock(NOW)).close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template")
    _migrated_template(f"sqlite:///{folder / 'template.db'}", folder)
    return folder / "template.db"


@pytest.fixture(scope="session")
def postgres_template(
    postgres_admin_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS privet_template"))
        connection.execute(text("CREATE DATABASE privet_template"))
    template_url = postgres_admin_url.rsplit("/", 1)[0] + "/privet_template"
    _migrated_template(template_url, tmp_path_factory.mktemp("pg-template"))
    yield "privet_template"
    admin.dispose()


def fresh_sqlite(template: Path, tmp_path: Path) -> str:
    target = tmp_path / "privet.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    return fresh_sqlite(sqlite_template, tmp_path)


@contextlib.contextmanager
def database_copy(admin_url: str, template: str | None, prefix: str = "test") -> Iterator[str]:
    """The URL of a new PostgreSQL database copied from `template` (or empty, with None),
    dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    copied = f" TEMPLATE {template}" if template else ""
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}{copied}"))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture
def empty_url(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty database of the same kind as `database_url`, to restore a backup into: a
    SQLite file not there yet, or a new PostgreSQL database."""
    if database_url.startswith("sqlite"):
        (tmp_path / "restored").mkdir()
        yield f"sqlite:///{tmp_path / 'restored' / 'privet.db'}"
        return
    with database_copy(str(request.getfixturevalue("postgres_admin_url")), None, "restore") as url:
        yield url


@pytest.fixture
def postgres_url(postgres_admin_url: str, postgres_template: str) -> Iterator[str]:
    with database_copy(postgres_admin_url, postgres_template) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """A fresh, migrated database: each test using it runs on SQLite and on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def store(database_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Store]:
    opened = open_store(make_settings(tmp_path, database_url), clock)
    yield opened
    opened.close()


@pytest.fixture
def policy() -> Policy:
    return load_policy(EXAMPLE)


@pytest.fixture
def web_store(sqlite_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Store]:
    """Web tests run on SQLite only: what they add over store tests is HTTP, not SQL."""
    opened = open_store(make_settings(tmp_path, sqlite_url), clock)
    yield opened
    opened.close()


@pytest.fixture
def client(
    web_store: Store, sqlite_url: str, policy: Policy, clock: FixedClock, tmp_path: Path
) -> TestClient:
    settings = make_settings(tmp_path, sqlite_url)
    return TestClient(create_app(settings, policy, web_store, clock))


def _staff(store: Store, email: str, role: str) -> str:
    with store.transaction() as session:
        staff_service.create_user(session, email, role, PASSWORD, NOW)
    return email


# The personas: alice administers privet, bob is the privacy officer, charlie only reads.
@pytest.fixture
def alice(web_store: Store) -> str:
    return _staff(web_store, "alice@example.org", "admin")


@pytest.fixture
def bob(web_store: Store) -> str:
    return _staff(web_store, "bob@example.org", "officer")


@pytest.fixture
def charlie(web_store: Store) -> str:
    return _staff(web_store, "charlie@example.org", "viewer")
