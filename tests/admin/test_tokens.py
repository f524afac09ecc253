"""API tokens scoped no higher than their owner, expiring, listed and revoked at once."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner, Result

from conftest import NOW, PASSWORD, TEST_SECRET
from privet.admin import service
from privet.admin.models import ApiToken
from privet.auditlog.models import AuditEntry
from privet.cli import app
from privet.clock import FixedClock
from privet.store.migrate import alembic_config
from privet.store.open import Store

runner = CliRunner()
TODAY = NOW.date().isoformat()  # the CLI acts --as-of the test clock's day


def invoke(*args: str) -> Result:
    """`privet ARGS` in-process. A command points the root logger at its own stderr, closed
    when it returns: the handlers are put back, so the app's later lines still write."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        return runner.invoke(app, list(args))
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


@pytest.fixture
def shell(web_store: Store, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("PRIVET_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("PRIVET_DATABASE_URL", sqlite_url)
    return web_store


def create_token(email: str, *options: str) -> str:
    result = invoke("admin", "create-token", email, "--name", "script", "--as-of", TODAY, *options)
    assert result.exit_code == 0, result.output
    return result.output.strip()


def me(client: TestClient, token: str) -> tuple[int, str | None]:
    response = client.get("/api/v1/staff/me", headers={"authorization": f"Bearer {token}"})
    return response.status_code, response.json().get("role")


def test_a_token_is_a_viewers_unless_a_scope_is_given(
    shell: Store, client: TestClient, bob: str
) -> None:
    assert me(client, create_token(bob)) == (200, "viewer")
    assert me(client, create_token(bob, "--scope", "officer")) == (200, "officer")


def test_a_scope_above_the_owners_role_is_refused(shell: Store, bob: str) -> None:
    result = invoke("admin", "create-token", bob, "--name", "x", "--scope", "admin")
    assert result.exit_code == 2
    assert "cannot be above its owner's role" in result.output
    wrong = invoke("admin", "create-token", bob, "--name", "x", "--scope", "root")
    assert wrong.exit_code == 2
    with shell.transaction() as session:
        assert service.list_api_tokens(session) == []


def test_a_token_loses_what_its_owner_loses(shell: Store, client: TestClient, alice: str) -> None:
    token = create_token(alice, "--scope", "admin")
    with shell.transaction() as session:
        user = service.find_user(session, alice)
        assert user is not None
        user.role = "officer"
    assert me(client, token) == (200, "officer")


def test_an_expired_token_is_refused_at_once(
    shell: Store, client: TestClient, clock: FixedClock, bob: str
) -> None:
    token = create_token(bob, "--days", "1")  # from midnight: until tomorrow's
    assert me(client, token) == (200, "viewer")
    clock.advance(timedelta(hours=12))
    assert me(client, token) == (401, None)


def test_a_revoked_token_is_refused_at_once_and_on_the_record(
    shell: Store, client: TestClient, bob: str
) -> None:
    token = create_token(bob)
    assert me(client, token)[0] == 200
    listed = invoke("admin", "list-tokens", "--as-of", TODAY)
    assert listed.exit_code == 0, listed.output
    token_id = re.search(r"[0-9a-f]{8}-[0-9a-f-]{27}", listed.output)
    assert token_id is not None and "active" in listed.output
    revoked = invoke("admin", "revoke-token", token_id.group())
    assert revoked.exit_code == 0, revoked.output
    assert me(client, token) == (401, None)
    assert "revoked" in invoke("admin", "list-tokens").output
    with shell.transaction() as session:
        entry = session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.actor, entry.target_id) == ("token_revoked", "cli", token_id[0])


def test_revoking_a_token_that_is_not_there_says_so(shell: Store) -> None:
    unknown = invoke("admin", "revoke-token", "1b4e28ba-2fa1-11d2-883f-0016d3cca427")
    assert unknown.exit_code == 1
    assert invoke("admin", "revoke-token", "nonsense").exit_code == 2


def test_tokens_made_before_scopes_keep_their_owners_role(store: Store) -> None:
    with store.transaction() as session:
        user = service.create_user(session, "alice@example.org", "admin", PASSWORD, NOW)
        service.create_api_token(session, user, "old script", NOW, scope="viewer")
    config = alembic_config(store.engine)
    command.downgrade(config, "0013")
    command.upgrade(config, "head")
    with store.transaction() as session:
        assert session.scalars(select(ApiToken.scope)).one() == "admin"
