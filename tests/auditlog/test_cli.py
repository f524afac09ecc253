"""`privet audit-log verify` and `show` as an operator runs them."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from auditlog.conftest import fill, tamper
from conftest import NOW, TEST_SECRET
from privet.auditlog.service import record
from privet.cli import app
from privet.store.open import Store

runner = CliRunner()


@pytest.fixture
def logged(web_store: Store, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A store with three entries, which the commands reach through the environment."""
    monkeypatch.setenv("PRIVET_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("PRIVET_DATABASE_URL", sqlite_url)
    fill(web_store, 3)
    return web_store


def test_verify_prints_the_head_of_a_sound_chain(logged: Store) -> None:
    result = runner.invoke(app, ["audit-log", "verify"])
    assert result.exit_code == 0, result.output
    assert "chain intact: 3 entries" in result.output
    head = result.output.split("head ")[1].strip()
    assert head.startswith("3:") and len(head) == 2 + 64
    again = runner.invoke(app, ["audit-log", "verify", "--expect-head", head])
    assert again.exit_code == 0, again.output


def test_verify_exits_1_naming_the_first_bad_entry(logged: Store) -> None:
    tamper(logged, "DELETE FROM audit_log WHERE seq = 2")
    result = runner.invoke(app, ["audit-log", "verify"])
    assert result.exit_code == 1
    assert "entry 2: deleted: entry 2 is missing" in result.output
    assert "1 entries sound before it" in result.output


def test_verify_with_the_head_kept_finds_entries_cut_from_the_end(logged: Store) -> None:
    head = runner.invoke(app, ["audit-log", "verify"]).output.split("head ")[1].strip()
    tamper(logged, "DELETE FROM audit_log WHERE seq = 3")
    assert runner.invoke(app, ["audit-log", "verify"]).exit_code == 0
    result = runner.invoke(app, ["audit-log", "verify", "--expect-head", head])
    assert result.exit_code == 1
    assert "entry 3: truncated" in result.output


def test_a_malformed_head_is_refused_with_exit_2(logged: Store) -> None:
    result = runner.invoke(app, ["audit-log", "verify", "--expect-head", "3:xyz"])
    assert result.exit_code == 2
    assert "--expect-head: a head is SEQ:HASH" in result.output


def test_show_lists_the_newest_entries_of_an_action(logged: Store) -> None:
    with logged.transaction() as session:
        record(session, "cli", "hold_placed", NOW, target=("legal_hold", "h-1"))
    result = runner.invoke(app, ["audit-log", "show", "--action", "hold_placed"])
    assert result.exit_code == 0, result.output
    assert "hold_placed" in result.output and "legal_hold h-1" in result.output
    assert "sweep" not in result.output
    newest = runner.invoke(app, ["audit-log", "show", "--limit", "2"]).output
    numbers = [line.split("│")[1].strip() for line in newest.splitlines() if "│" in line]
    assert [number for number in numbers if number] == ["4", "3"]
    unknown = runner.invoke(app, ["audit-log", "show", "--action", "gossip"])
    assert unknown.exit_code == 2 and "--action: one of" in unknown.output
