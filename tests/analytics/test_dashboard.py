"""The audience as staff read it: `/admin/analytics`, its CSV, and `privet stats`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from analytics.test_rollup import plant
from conftest import EXAMPLE, NOW, PASSWORD, TEST_SECRET, make_settings
from privet.analytics.rollup import roll_up_due
from privet.cli import app
from privet.clock import FixedClock
from privet.policy.schema import Policy
from privet.store.open import Store, open_store

RANGE = "from=2026-11-20&to=2026-11-21"


def sign_in(client: TestClient, email: str) -> None:
    client.get("/admin/login")
    csrf = client.cookies.get("privet_login_csrf", "")
    client.post("/admin/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf})


def rolled_up(store: Store, policy: Policy) -> None:
    plant(store, policy)
    with store.transaction() as session:
        roll_up_due(session, policy, NOW)


def cell(page: str, table: str, label: str) -> str:
    found = re.search(rf'<table id="{table}">.*?<t[hd][^>]*>{re.escape(label)}</t[hd]><td>([^<]*)',
                      page, re.S)  # fmt: skip
    assert found is not None, (table, label)
    return found.group(1)


def test_a_viewer_reads_the_numbers_the_chart_and_the_top_lists(
    client: TestClient, web_store: Store, policy: Policy, charlie: str
) -> None:
    rolled_up(web_store, policy)
    sign_in(client, charlie)
    response = client.get(f"/admin/analytics?{RANGE}")
    assert response.status_code == 200
    page = response.text
    assert cell(page, "totals", "Visitors") == "3"  # 2 on Nov 20, 1 on Nov 21
    assert cell(page, "totals", "Page views") == "6"
    assert cell(page, "totals", "Average time on a page") == "20 s"
    assert cell(page, "totals", "Consent rate").startswith("67% of 3")
    assert cell(page, "top-page", "/") == "3"  # visitors: Anna, Boris, Clara
    assert cell(page, "top-page", "/pricing") == "1"
    assert "2026-11-20: 4 page views, 2 visitors" in page
    assert page.count("<polyline") == 2 and "style=" not in page


def test_it_shows_the_last_30_days_by_default(
    client: TestClient, web_store: Store, policy: Policy, charlie: str
) -> None:
    rolled_up(web_store, policy)
    sign_in(client, charlie)
    page = client.get("/admin/analytics").text
    assert 'name="from" type="date" value="2026-10-25"' in page
    assert 'name="to" type="date" value="2026-11-23"' in page
    assert cell(page, "totals", "Page views") == "6"


def test_it_downloads_the_days_as_csv(
    client: TestClient, web_store: Store, policy: Policy, charlie: str
) -> None:
    rolled_up(web_store, policy)
    sign_in(client, charlie)
    response = client.get(f"/admin/analytics.csv?{RANGE}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.text.splitlines() == [
        "day,visitors,pageviews,average_duration_s,consent_rate",
        "2026-11-20,2,4,20.000,0.667",
        "2026-11-21,1,2,,",
    ]


@pytest.mark.parametrize(
    "query", ["from=2026-13-01", "to=yesterday", "from=2026-11-22&to=2026-11-01"]
)
def test_a_bad_date_is_a_400_naming_the_field(client: TestClient, charlie: str, query: str) -> None:
    sign_in(client, charlie)
    for path in ("/admin/analytics", "/admin/analytics.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        assert query.split("=")[0] in response.text


def test_it_is_for_staff_only(client: TestClient) -> None:
    response = client.get("/admin/analytics", follow_redirects=False)
    assert response.status_code in (303, 401)


def test_privet_stats_prints_the_same_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: FixedClock, policy: Policy
) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    store = open_store(make_settings(tmp_path, url), clock)
    plant(store, policy)  # not rolled up: the command does it first
    store.close()
    for name, value in {"PRIVET_SECRET_KEY": TEST_SECRET, "PRIVET_DATABASE_URL": url,
                        "PRIVET_POLICY": str(EXAMPLE)}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(
        app, ["stats", "--from", "2026-11-20", "--to", "2026-11-21", "--as-of", "2026-11-23"]
    )
    assert result.exit_code == 0, result.output
    total = next(line for line in result.output.splitlines() if "total" in line)
    assert [cell.strip() for cell in total.split("│")][1:6] == ["total", "3", "6", "20 s", "67%"]
    assert "/pricing" in result.output and "search.example.org" in result.output
    backwards = CliRunner().invoke(app, ["stats", "--from", "2026-11-22", "--to", "2026-11-01"])
    assert backwards.exit_code == 2
