"""The record of processing activities comes from the policy, fact for fact."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import EXAMPLE, PASSWORD, ROOT
from privet.cli import app
from privet.policy.load import load_policy
from privet.policy.ropa import as_csv, record_of_processing

EXAMPLES = sorted((ROOT / "examples").glob("*/policy.yaml"))


def test_ntoprogs_analytics_activity_names_its_recipient_transfer_and_retention() -> None:
    record = record_of_processing(load_policy(EXAMPLE), "en")
    assert record["controller"]["dpo"] == "privacy@ntoprog.org"
    [audience] = [a for a in record["activities"] if a["activity"] == "audience_measurement"]
    assert audience["legal_basis"] == "consent"
    assert "Google Analytics" in audience["recipients"]
    assert "Google Analytics (US): standard contractual clauses" in audience["transfers"]
    assert "browsing: 13 months after collected, then anonymise" in audience["retention"]
    assert "Regular encrypted backups" in record["security_measures"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.parent.name)
def test_every_purpose_is_an_activity_in_json_and_csv(example: Path) -> None:
    policy = load_policy(example)
    result = CliRunner().invoke(app, ["ropa", "--policy", str(example)])
    assert result.exit_code == 0, result.output
    activities = json.loads(result.output)["activities"]
    assert [a["activity"] for a in activities] == list(policy.purposes)
    rows = list(csv.DictReader(io.StringIO(as_csv(record_of_processing(policy, "en")))))
    assert [row["activity"] for row in rows] == list(policy.purposes)
    assert all(row["controller"] for row in rows)


def test_staff_read_the_record_in_the_admin_pages(client: TestClient, charlie: str) -> None:
    client.get("/admin/login")
    csrf = client.cookies.get("privet_login_csrf", "")
    client.post("/admin/login", data={"email": charlie, "password": PASSWORD, "csrf_token": csrf})
    page = client.get("/admin/ropa")
    assert page.status_code == 200
    assert "audience_measurement" in page.text
    assert "Google Analytics (US): standard contractual clauses" in page.text
