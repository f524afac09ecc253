"""`privet sweep` as an operator runs it: a table of what each rule did."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE, TEST_SECRET, make_settings
from privet.cli import app
from privet.clock import FixedClock
from privet.consent.models import ConsentReceipt
from privet.policy.load import load_policy
from privet.store.open import open_store
from retention.conftest import T0, Plant


def test_sweep_prints_a_table_of_what_each_rule_did(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: FixedClock
) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    store = open_store(make_settings(tmp_path, url), clock)
    plant = Plant(store, load_policy(EXAMPLE))
    plant.receipts(3, T0)
    for name, value in {"PRIVET_SECRET_KEY": TEST_SECRET, "PRIVET_DATABASE_URL": url,
                        "PRIVET_POLICY": str(EXAMPLE)}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    runner = CliRunner()

    counted = runner.invoke(app, ["sweep", "--dry-run", "--as-of", "2026-11-23"])
    assert counted.exit_code == 0, counted.output
    assert "dry run: nothing changed" in counted.output
    assert plant.count(ConsentReceipt) == 3

    swept = runner.invoke(app, ["sweep", "--as-of", "2026-11-23"])
    assert swept.exit_code == 0, swept.output
    row = next(line for line in swept.output.splitlines() if "consent_logs" in line)
    assert [cell.strip() for cell in row.split("│")][3:6] == ["3", "3 deleted", "0"]
    assert plant.count(ConsentReceipt) == 0
    store.close()
