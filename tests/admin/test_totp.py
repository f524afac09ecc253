"""The optional second factor: RFC 6238 codes, `privet admin totp-enable|totp-disable`, and
a sign-in that needs the code, once."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from admin.test_pages import csrf_of
from admin.test_tokens import invoke
from conftest import NOW, PASSWORD, TEST_SECRET
from privet.admin import service, totp
from privet.admin.models import StaffUser
from privet.auditlog.models import AuditEntry
from privet.clock import FixedClock
from privet.store.open import Store

# RFC 6238, appendix B: the SHA-1 seed and its 8-digit codes at these Unix times.
RFC_SEED = base64.b32encode(b"12345678901234567890").decode()
RFC_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


@pytest.mark.parametrize(("unix_time", "expected"), RFC_VECTORS)
def test_it_gives_the_rfc_6238_codes(unix_time: int, expected: str) -> None:
    step = totp.step_at(datetime.fromtimestamp(unix_time, UTC))
    assert totp.code_at(RFC_SEED, step, digits=8) == expected
    assert totp.code_at(RFC_SEED, step) == expected[-6:]  # six digits: the same, truncated


def test_it_accepts_one_step_either_side_and_never_an_old_step() -> None:
    moment = datetime.fromtimestamp(1234567890, UTC)
    now = totp.step_at(moment)
    for step in (now - 1, now, now + 1):
        assert totp.matching_step(RFC_SEED, totp.code_at(RFC_SEED, step), moment, None) == step
    for step in (now - 2, now + 2):
        assert totp.matching_step(RFC_SEED, totp.code_at(RFC_SEED, step), moment, None) is None
    assert totp.matching_step(RFC_SEED, totp.code_at(RFC_SEED, now), moment, now) is None


@pytest.fixture
def shell(web_store: Store, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Store:
    """`privet admin` commands reach the test database through the environment."""
    monkeypatch.setenv("PRIVET_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("PRIVET_DATABASE_URL", sqlite_url)
    return web_store


def enable(email: str) -> str:
    """Turns the second factor on as an admin would; returns the secret printed."""
    result = invoke("admin", "totp-enable", email)
    assert result.exit_code == 0, result.output
    uri = re.search(r"otpauth://\S+", result.output)
    assert uri is not None
    secret = parse_qs(urlsplit(uri.group()).query)["secret"][0]
    assert f"secret: {secret}" in result.output
    return secret


def sign_in(client: TestClient, email: str, code: str = "") -> int:
    form = client.get("/admin/login")
    fields = {"email": email, "password": PASSWORD, "csrf_token": csrf_of(form.text), "code": code}
    return client.post("/admin/login", data=fields, follow_redirects=False).status_code


def test_totp_enable_prints_the_uri_once_and_stores_the_secret_encrypted(
    shell: Store, bob: str
) -> None:
    secret = enable(bob)
    assert len(base64.b32decode(secret)) == 20
    with shell.engine.connect() as connection:
        stored = connection.execute(text("SELECT totp_secret FROM staff_users")).scalar_one()
    assert secret.encode() not in bytes(stored)
    again = invoke("admin", "totp-enable", bob)
    assert again.exit_code == 1
    assert "already on" in again.output
    with shell.transaction() as session:
        actions = list(session.scalars(select(AuditEntry.action)))
    assert actions == ["totp_enabled"]


def test_with_a_second_factor_sign_in_needs_the_code(
    shell: Store, client: TestClient, clock: FixedClock, bob: str
) -> None:
    secret = enable(bob)
    assert sign_in(client, bob) == 401
    wrong = totp.code_at(secret, totp.step_at(clock.now()) + 5)
    assert sign_in(client, bob, wrong) == 401
    assert sign_in(client, bob, totp.code_at(secret, totp.step_at(clock.now()))) == 303
    assert client.get("/admin", follow_redirects=False).status_code == 200


def test_a_code_used_once_cannot_be_replayed(
    shell: Store, client: TestClient, clock: FixedClock, bob: str
) -> None:
    secret = enable(bob)
    code = totp.code_at(secret, totp.step_at(clock.now()))
    assert sign_in(client, bob, code) == 303
    assert sign_in(client, bob, code) == 401  # seen on the way in, tried again
    late = totp.code_at(secret, totp.step_at(clock.now()) - 1)
    assert sign_in(client, bob, late) == 401  # an older step than one already used
    clock.advance(timedelta(seconds=totp.STEP_SECONDS))
    assert sign_in(client, bob, totp.code_at(secret, totp.step_at(clock.now()))) == 303


def test_a_code_a_step_behind_the_clock_is_accepted(
    shell: Store, client: TestClient, clock: FixedClock, bob: str
) -> None:
    secret = enable(bob)
    behind = totp.code_at(secret, totp.step_at(clock.now()) - 1)
    assert sign_in(client, bob, behind) == 303


def test_totp_disable_lets_the_password_alone_sign_in_again(
    shell: Store, client: TestClient, bob: str
) -> None:
    enable(bob)
    result = invoke("admin", "totp-disable", bob)
    assert result.exit_code == 0, result.output
    assert sign_in(client, bob) == 303
    assert invoke("admin", "totp-disable", bob).exit_code == 1
    with shell.transaction() as session:
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))
    assert actions[:2] == ["totp_enabled", "totp_disabled"]


def test_totp_enable_refuses_an_unknown_address(shell: Store) -> None:
    result = invoke("admin", "totp-enable", "nobody@example.org")
    assert result.exit_code == 1
    assert "no staff user" in result.output


def test_of_two_sign_ins_with_one_code_only_the_first_passes(store: Store) -> None:
    """Both read the account before either claims the code; the database decides."""
    with store.transaction() as session:
        user = service.create_user(session, "bob@example.org", "officer", PASSWORD, NOW)
        secret = service.enable_totp(session, user, NOW)
    code = totp.code_at(secret, totp.step_at(NOW))
    with store.transaction() as session:
        slower = session.get(StaffUser, user.id)  # read, then kept while the other signs in
    with store.transaction() as session:
        faster = session.get(StaffUser, user.id)
        assert faster is not None and service.second_factor_passes(session, faster, code, NOW)
    assert slower is not None and slower.totp_last_step is None  # what it read: no step used
    with store.transaction() as session:
        session.add(slower)
        assert not service.second_factor_passes(session, slower, code, NOW)
