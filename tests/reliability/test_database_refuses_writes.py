"""A database that refuses writes for real (SQLite full, SQLite opened read-only,
PostgreSQL read-only) gets every public write answered 503 with Retry-After and a clear
error code, never a 500 or a traceback; reads go on; once the condition is lifted, writes
succeed again and everything acknowledged before, during and after is there, intact."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from conftest import make_settings
from deploy.conftest import free_port
from privet.analytics.models import Pageview
from privet.clock import FixedClock
from privet.consent.models import ConsentReceipt
from privet.intake.models import Submission
from privet.policy.schema import Policy
from privet.rights.models import DataRequest
from privet.store.open import Store, open_store
from privet.store.unavailable import why_unavailable
from privet.web.app import create_app

Write = Callable[[TestClient, int], httpx.Response]
BROWSER = {"user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}
MOST_WRITES = 200  # a full SQLite file still takes rows that fit in its last pages


def consent(client: TestClient, _number: int) -> httpx.Response:
    version = client.app.state.policy.policy.version  # type: ignore[attr-defined]
    body = {"policy_version": version, "granted": ["analytics"], "denied": ["marketing"]}
    return client.post("/api/v1/consents", json=body)


def submission(client: TestClient, number: int) -> httpx.Response:
    form = {"name": "Ann", "email": f"ann{number}@example.org", "message": "A quote"}
    return client.post("/api/v1/forms/contact/submissions", json=form)


def data_request(client: TestClient, number: int) -> httpx.Response:
    body = {"kind": "access", "email": f"bob{number}@example.org"}
    return client.post("/api/v1/requests", json=body)


def portal_request(client: TestClient, number: int) -> httpx.Response:
    form = {"kind": "erasure", "email": f"eve{number}@example.org"}
    return client.post("/privacy/requests", data=form, follow_redirects=False)


def page_view(client: TestClient, _number: int) -> httpx.Response:
    visitor = client.cookies.get("test_visitor")
    hit = {"event": "pageview", "path": "/prices", "visitor_id": visitor}
    return client.post("/api/v1/collect", json=hit, headers=BROWSER)


# The public writes: what each stores, how to send one, where its answer names the row.
WRITES: dict[str, tuple[type[Any], Write, str]] = {
    "consent": (ConsentReceipt, consent, "receipt_id"),
    "submission": (Submission, submission, "id"),
    "data request": (DataRequest, data_request, "id"),
    "portal request": (DataRequest, portal_request, "location"),
    "page view": (Pageview, page_view, "view"),
}


def acknowledged_id(answer: httpx.Response, key: str) -> str:
    if key == "location":  # /privacy/requests/ID?token=…
        return answer.headers["location"].split("?")[0].rsplit("/", 1)[1]
    return str(answer.json()[key])


class Ledger:
    """Every write sent, and the id of each one acknowledged."""

    def __init__(self, client: TestClient) -> None:
        self.client, self.sent = client, 0
        self.ids: dict[str, set[str]] = {name: set() for name in WRITES}

    def write(self, name: str) -> httpx.Response:
        _, send, key = WRITES[name]
        self.sent += 1
        answer = send(self.client, self.sent)
        assert answer.status_code in (201, 202, 303, 503), answer.text
        if answer.status_code != 503:
            self.ids[name].add(acknowledged_id(answer, key))
        return answer

    def refused(self, name: str) -> httpx.Response:
        """Write until the database refuses (at once, unless it is only nearly full)."""
        for _ in range(MOST_WRITES):
            answer = self.write(name)
            if answer.status_code == 503:
                return answer
        raise AssertionError(f"{name}: never refused in {MOST_WRITES} writes")


@contextlib.contextmanager
def on_new_connections(engine: Engine, name: str, listener: Callable[..., None]) -> Iterator[None]:
    """`listener` on each connection made from now on; the pooled ones, made before, go."""
    event.listen(engine, name, listener)
    engine.dispose()
    try:
        yield
    finally:
        event.remove(engine, name, listener)
        engine.dispose()


def no_page_more(connection: Any, _record: Any) -> None:
    # The file may not grow by a page: what SQLite meets when the disk is full (SQLITE_FULL).
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages}")


def read_only_file(
    _dialect: Any, _record: Any, arguments: list[Any], named: dict[str, Any]
) -> None:
    # As on a file system remounted read-only: SQLite opens the file, and refuses writes.
    arguments[0], named["uri"] = f"file:{arguments[0]}?mode=ro", True


@contextlib.contextmanager
def postgres_read_only(engine: Engine, admin_url: str) -> Iterator[None]:
    """A standby, or a database set read-only: each write fails with SQLSTATE 25006."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    setting = f"ALTER DATABASE {engine.url.database} {{}} default_transaction_read_only"
    with admin.connect() as connection:
        connection.execute(text(setting.format("SET") + " = on"))
    engine.dispose()
    try:
        yield
    finally:
        with admin.connect() as connection:
            connection.execute(text(setting.format("RESET")))
        engine.dispose()
        admin.dispose()


CONDITIONS = {
    "sqlite-full": ("sqlite_url", "storage_full"),
    "sqlite-read-only": ("sqlite_url", "read_only"),
    "postgresql-read-only": ("postgres_url", "read_only"),
}


@pytest.fixture(
    params=[
        "sqlite-full",
        "sqlite-read-only",
        pytest.param("postgresql-read-only", marks=pytest.mark.postgres),
    ]
)
def condition(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store(
    condition: str, request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock
) -> Iterator[Store]:
    url = str(request.getfixturevalue(CONDITIONS[condition][0]))
    opened = open_store(make_settings(tmp_path, url), clock)
    yield opened
    opened.close()


@pytest.fixture
def client(store: Store, policy: Policy, clock: FixedClock, tmp_path: Path) -> TestClient:
    url = store.engine.url.render_as_string(hide_password=False)
    settings = make_settings(
        tmp_path, url, public_rate_limit="off", form_rate_limit="off",
        outbox_dir=tmp_path / "outbox",
    )  # fmt: skip
    return TestClient(create_app(settings, policy, store, clock))


def refusing(
    condition: str, store: Store, request: pytest.FixtureRequest
) -> contextlib.AbstractContextManager[None]:
    if condition == "sqlite-full":
        return on_new_connections(store.engine, "connect", no_page_more)
    if condition == "sqlite-read-only":
        return on_new_connections(store.engine, "do_connect", read_only_file)
    return postgres_read_only(store.engine, str(request.getfixturevalue("postgres_admin_url")))


def stored_ids(store: Store) -> dict[str, set[str]]:
    with store.transaction() as session:
        return {name: {str(id_) for id_ in session.scalars(select(model.id))}
                for name, (model, _, _) in WRITES.items()}  # fmt: skip


def test_writes_are_answered_503_until_the_database_takes_them_again(
    condition: str, store: Store, client: TestClient, request: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    ledger = Ledger(client)
    client.cookies.set("test_visitor", ledger.write("consent").json()["visitor_id"])
    receipt = next(iter(ledger.ids["consent"]))
    with refusing(condition, store, request):
        for name in WRITES:
            refused = ledger.refused(name)
            assert refused.headers["retry-after"].isdigit()
            if name != "portal request":  # a page for people; the API answers JSON
                assert refused.json()["error"]["code"] == CONDITIONS[condition][1]
            assert "Traceback" not in refused.text
        assert client.get(f"/api/v1/consents/{receipt}").status_code == 200
        assert client.get("/healthz").status_code == 200
    for name in WRITES:
        assert ledger.write(name).status_code in (201, 202, 303)
    stored = stored_ids(store)
    for name, ids in ledger.ids.items():
        assert ids <= stored[name], name
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert "database_unavailable" in [record.getMessage() for record in caplog.records]
    if condition.startswith("sqlite"):
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_a_database_that_does_not_answer_is_unavailable() -> None:
    engine = create_engine(f"postgresql+psycopg://privet@127.0.0.1:{free_port()}/privet")
    with pytest.raises(OperationalError) as refused:
        engine.connect()
    unavailable = why_unavailable(refused.value)
    assert unavailable is not None
    assert unavailable.reason == "database_unavailable"


def test_a_full_postgresql_disk_is_storage_full() -> None:
    import psycopg

    full = OperationalError("INSERT", {}, psycopg.errors.DiskFull())
    unavailable = why_unavailable(full)
    assert unavailable is not None
    assert (unavailable.reason, unavailable.code) == ("storage_full", "53100")


def test_a_broken_constraint_is_no_passing_condition(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    with pytest.raises(IntegrityError) as broken, engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER NOT NULL)")
        connection.exec_driver_sql("INSERT INTO t VALUES (NULL)")
    engine.dispose()
    assert why_unavailable(broken.value) is None
