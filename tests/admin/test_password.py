"""`privet admin set-password`: a new password signs in, the old one no longer does, and
every session signed in with the old one ends."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from admin.test_pages import sign_in
from admin.test_tokens import invoke
from conftest import PASSWORD, TEST_SECRET
from privet.auditlog.models import AuditEntry
from privet.store.open import Store

NEW = "a new long passphrase"


@pytest.fixture
def shell(web_store: Store, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("PRIVET_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("PRIVET_DATABASE_URL", sqlite_url)
    return web_store


def test_a_new_password_signs_in_and_ends_the_old_sessions(
    shell: Store, client: TestClient, bob: str
) -> None:
    sign_in(client, bob)
    assert client.get("/admin/requests").status_code == 200  # signed in
    result = invoke("admin", "set-password", bob, "--password", NEW)
    assert result.exit_code == 0, result.output
    assert "1 session(s) ended" in result.output
    assert client.get("/admin/requests", follow_redirects=False).status_code == 303
    assert "Sign in" in sign_in(client, bob, PASSWORD)  # the old one is refused
    sign_in(client, bob, NEW)
    assert client.get("/admin/requests").status_code == 200
    with shell.transaction() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "password_set"))
        assert json.loads(entry.one().details) == {"sessions_ended": 1}


@pytest.mark.parametrize(
    ("who", "password", "says"),
    [("nobody@example.org", NEW, "no staff user"), (None, "short", "at least 12")],
    ids=["unknown-user", "short-password"],
)
def test_it_refuses_an_unknown_user_or_a_short_password(
    shell: Store, bob: str, who: str | None, password: str, says: str
) -> None:
    result = invoke("admin", "set-password", who or bob, "--password", password)
    assert result.exit_code == 1 and says in result.output
