from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from clients.conftest import MINIMAL
from conftest import EXAMPLE, NOW, TEST_SECRET, make_settings
from privet.cli import app
from privet.clients.models import Contract
from privet.clock import FixedClock
from privet.rights.actions import restrict
from privet.store.open import open_store

runner = CliRunner()
ADD = ["clients", "add", "ann@example.org", "--reference", "NTO-7", "--start", "2026-03-01"]


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PRIVET_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("PRIVET_DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    monkeypatch.setenv("PRIVET_POLICY", str(EXAMPLE))
    return tmp_path


def stored(environment: Path) -> list[Contract]:
    store = open_store(
        make_settings(environment, f"sqlite:///{environment}/cli.db"), FixedClock(NOW)
    )
    with store.transaction() as session:
        contracts = list(session.scalars(select(Contract)))
    store.close()
    return contracts


def test_clients_add_records_the_contract_under_the_policy(environment: Path) -> None:
    result = runner.invoke(app, ADD)
    assert result.exit_code == 0, result.output
    assert "'contracts', purpose 'accounting' (legal_obligation)" in result.output
    [contract] = stored(environment)
    assert (contract.reference, contract.category) == ("NTO-7", "contracts")


def test_clients_end_sets_the_end_and_says_how_long_it_is_kept(environment: Path) -> None:
    runner.invoke(app, ADD)
    command = ["clients", "end", "ann@example.org", "--reference", "NTO-7", "--on", "2027-02-28"]
    result = runner.invoke(app, command)
    assert result.exit_code == 0, result.output
    assert "keep until: 2037-02-28" in result.output
    assert stored(environment)[0].ends_on == date(2027, 2, 28)


def test_clients_list_shows_each_contract_with_its_keep_until(environment: Path) -> None:
    runner.invoke(app, [*ADD, "--end", "2026-12-31"])
    runner.invoke(app, ["clients", "add", "bea@example.org", "--reference", "B-1", "--start",
                        "2026-05-01"])  # fmt: skip
    everyone = runner.invoke(app, ["clients", "list"])
    assert everyone.exit_code == 0, everyone.output
    assert "2036-12-31" in everyone.output and "B-1" in everyone.output
    only_ann = runner.invoke(app, ["clients", "list", "ann@example.org"])
    assert "NTO-7" in only_ann.output and "B-1" not in only_ann.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([*ADD[:-1], "2026-13-01"], "error: --start: not a date, write YYYY-MM-DD"),
        ([*ADD, "--end", "2026-02-01"],
         "error: a contract cannot end (2026-02-01) before it starts (2026-03-01)"),
        (["clients", "add", "nobody", *ADD[3:]], "error: not a valid email address"),
        (["clients", "end", "ann@example.org", "--reference", "X", "--on", "2027-01-01"],
         "error: no contract with that reference for that email"),
        (["clients", "list", "nobody"], "error: not a valid email address"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_code_2(
    environment: Path, arguments: list[str], message: str
) -> None:
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [message]  # one line, no traceback, no usage box
    assert stored(environment) == []


def test_a_duplicate_reference_is_refused(environment: Path) -> None:
    assert runner.invoke(app, ADD).exit_code == 0
    again = runner.invoke(app, ADD)
    assert again.exit_code == 2
    assert "already has a contract with that reference" in again.output
    assert len(stored(environment)) == 1


def test_a_policy_without_contract_data_says_what_to_add(environment: Path) -> None:
    result = runner.invoke(app, [*ADD, "--policy", str(MINIMAL)])
    assert result.exit_code == 2
    assert "declares no contract data" in result.output and "after: contract_end" in result.output


def test_the_logs_never_carry_the_email_or_the_reference(environment: Path) -> None:
    result = runner.invoke(app, ADD)
    assert result.exit_code == 0
    logged = result.stderr  # the JSON log lines; the operator's own output is on stdout
    assert "contract_recorded" in logged
    assert "ann@example.org" not in logged and "NTO-7" not in logged


def test_clients_list_marks_a_restricted_client(environment: Path) -> None:
    runner.invoke(app, ADD)
    runner.invoke(app, ["clients", "add", "bea@example.org", "--reference", "B-1", "--start",
                        "2026-05-01"])  # fmt: skip
    store = open_store(
        make_settings(environment, f"sqlite:///{environment}/cli.db"), FixedClock(NOW)
    )
    with store.transaction() as session:
        assert restrict(session, "ann@example.org", NOW)
    store.close()
    listed = runner.invoke(app, ["clients", "list"]).output
    # The table folds long cells on a narrow terminal: Ann's row comes first, Bea's after.
    assert listed.count("(restric") == 1
    assert listed.index("NTO-7") < listed.index("(restric") < listed.index("B-1")
