from __future__ import annotations

import csv
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import NOW, TEST_SECRET, make_settings
from marketing.conftest import INQUIRY, NTROPIC
from privet.backup.ledger import ErasureLedger
from privet.cli import app
from privet.clock import FixedClock
from privet.intake.notices import Notices
from privet.intake.service import submit
from privet.marketing import service
from privet.policy.load import load_policy
from privet.store.open import open_store
from privet.subjects.service import find_subject

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Two people who opted in, one of whom then unsubscribed."""
    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("PRIVET_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("PRIVET_DATABASE_URL", url)
    policy = load_policy(NTROPIC)
    assert policy.marketing is not None
    single = policy.model_copy(
        update={"marketing": policy.marketing.model_copy(update={"double_opt_in": False})}
    )
    store = open_store(make_settings(tmp_path, url), FixedClock(NOW))
    notices = Notices(base_url="http://127.0.0.1:8000", operator=None)
    with store.transaction() as session:
        for name, email in (("=HYPERLINK(1)", "ann@example.org"), ("Bea", "bea@example.org")):
            values = INQUIRY | {"name": name, "email": email, "privet_marketing": "yes"}
            submit(session, single, "inquiry", values, NOW, notices=notices)
        bea = find_subject(session, "bea@example.org")
        assert bea is not None
        token = service.unsubscribe_token(store.keyring, bea.id)
        service.unsubscribe(session, token, NOW, ledger=ErasureLedger(tmp_path / "erasures"))
    store.close()
    return url


def test_the_export_is_a_private_csv_of_who_may_be_mailed(database: str, tmp_path: Path) -> None:
    target = tmp_path / "list.csv"
    result = runner.invoke(
        app, ["marketing", "export", "--policy", str(NTROPIC), "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert "may be mailed: 1" in result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    header, *rows = list(csv.reader(target.read_text(encoding="utf-8").splitlines()))
    assert header[:2] == ["email", "name"] and header[-1] == "unsubscribe_url"
    assert [row[:2] for row in rows] == [["ann@example.org", "'=HYPERLINK(1)"]]


def test_a_policy_without_marketing_refuses_to_export(database: str) -> None:
    result = runner.invoke(
        app,
        ["marketing", "export", "--policy", str(NTROPIC.parent.parent / "ntoprog" / "policy.yaml")],
    )
    assert result.exit_code == 2
    assert "no marketing section" in result.output
