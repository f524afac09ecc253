"""Login throttling: failed sign-ins counted in the database, per account and per client,
then 429 with Retry-After for everyone alike, the right password included."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from admin.test_pages import csrf_of
from conftest import NOW, PASSWORD, make_settings
from privet.admin import throttle
from privet.admin.models import LoginAttempt
from privet.clock import FixedClock
from privet.config import Rate
from privet.policy.schema import Policy
from privet.store.open import Store
from privet.web.app import create_app

LIMITS = throttle.Limits(Rate(5, timedelta(minutes=15)), Rate(20, timedelta(minutes=15)))
WINDOW_SECONDS = 15 * 60


@pytest.fixture
def strict(
    web_store: Store, sqlite_url: str, policy: Policy, clock: FixedClock, tmp_path: Path
) -> TestClient:
    """Low limits, so a test needs few attempts (each costs an Argon2 hash)."""
    settings = make_settings(tmp_path, sqlite_url, login_rate_limit="2/15m",
                             login_client_rate_limit="3/15m")  # fmt: skip
    return TestClient(create_app(settings, policy, web_store, clock))


def attempt(client: TestClient, email: str, password: str = PASSWORD + "x") -> int:
    form = client.get("/admin/login")
    fields = {"email": email, "password": password, "csrf_token": csrf_of(form.text)}
    response = client.post("/admin/login", data=fields, follow_redirects=False)
    return response.status_code


def test_after_five_failures_the_account_is_throttled_the_right_password_too(
    client: TestClient, clock: FixedClock, bob: str
) -> None:
    assert [attempt(client, bob) for _ in range(5)] == [401] * 5
    form = client.get("/admin/login")
    fields = {"email": bob, "password": PASSWORD, "csrf_token": csrf_of(form.text)}
    refused = client.post("/admin/login", data=fields, follow_redirects=False)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == str(WINDOW_SECONDS)
    assert "Try again in 15 minutes" in refused.text
    assert client.cookies.get("privet_session") is None
    clock.advance(timedelta(seconds=WINDOW_SECONDS))
    assert attempt(client, bob, PASSWORD) == 303


def test_an_address_with_no_account_is_throttled_exactly_alike(
    strict: TestClient, bob: str
) -> None:
    answers = []
    for number, email in enumerate((bob, "nobody@example.org")):
        visitor = TestClient(strict.app, client=(f"198.51.100.{number}", 40000))
        assert [attempt(visitor, email) for _ in range(2)] == [401] * 2
        form = visitor.get("/admin/login")
        fields = {"email": email, "password": PASSWORD, "csrf_token": csrf_of(form.text)}
        answers.append(visitor.post("/admin/login", data=fields))
    known, unknown = answers
    assert known.status_code == unknown.status_code == 429
    assert known.headers["retry-after"] == unknown.headers["retry-after"]
    assert known.text.replace(csrf_of(known.text), "") == unknown.text.replace(
        csrf_of(unknown.text), ""
    )


def test_one_client_trying_many_accounts_is_throttled_and_others_are_not(
    strict: TestClient, bob: str
) -> None:
    statuses = [attempt(strict, f"guess{number}@example.org") for number in range(4)]
    assert statuses == [401] * 3 + [429]
    assert attempt(strict, bob, PASSWORD) == 429
    elsewhere = TestClient(strict.app, client=("198.51.100.7", 40000))
    assert attempt(elsewhere, bob, PASSWORD) == 303


def test_a_good_sign_in_starts_the_accounts_count_again(strict: TestClient, bob: str) -> None:
    elsewhere = TestClient(strict.app, client=("198.51.100.7", 40000))
    assert attempt(strict, bob) == 401
    assert attempt(elsewhere, bob, PASSWORD) == 303
    assert [attempt(elsewhere, bob) for _ in range(2)] == [401] * 2
    assert attempt(elsewhere, bob) == 429


def test_every_process_counts_the_same_failures(
    *, web_store: Store, sqlite_url: str, policy: Policy, clock: FixedClock, tmp_path: Path,
    bob: str,
) -> None:  # fmt: skip
    """Two apps on one database stand for two `privet serve` processes."""
    settings = make_settings(tmp_path, sqlite_url)
    first, second = (TestClient(create_app(settings, policy, web_store, clock)) for _ in "12")
    assert [attempt(first, bob) for _ in range(3)] == [401] * 3
    assert [attempt(second, bob) for _ in range(2)] == [401] * 2
    assert attempt(first, bob, PASSWORD) == 429


def test_the_table_holds_only_hashes_and_times(store: Store) -> None:
    keys = throttle.keys_for(store.keyring, "Bob@Example.org", "203.0.113.9")
    with store.transaction() as session:
        throttle.record_failure(session, LIMITS, keys, NOW)
    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM login_attempts")).all()
    dumped = " ".join(str(value) for row in rows for value in row).lower()
    assert len(rows) == 2
    assert "bob" not in dumped and "203.0.113" not in dumped
    assert keys == throttle.keys_for(store.keyring, "bob@example.org ", "203.0.113.9")


def test_failures_older_than_the_window_are_deleted(store: Store) -> None:
    keys = throttle.keys_for(store.keyring, "bob@example.org", "203.0.113.9")
    with store.transaction() as session:
        for minute in range(5):
            throttle.record_failure(session, LIMITS, keys, NOW + timedelta(minutes=minute))
        assert throttle.retry_after(session, LIMITS, keys, NOW + timedelta(minutes=5)) == 10 * 60
    later = NOW + timedelta(minutes=30)
    with store.transaction() as session:
        assert throttle.retry_after(session, LIMITS, keys, later) is None
        throttle.record_failure(session, LIMITS, keys, later)
        assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 2
