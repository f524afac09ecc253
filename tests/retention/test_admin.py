"""The staff's retention pages: the report and its charts, legal holds, and the audit."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from conftest import EXAMPLE, NOW, PASSWORD
from privet.clock import FixedClock
from privet.policy.load import load_policy
from privet.policy.schema import LegalHolds, Policy
from privet.retention.models import LegalHold, SweepRun
from privet.retention.sweep import sweep
from privet.store.open import Store
from retention.conftest import T0, Plant

REASONS = ["complaint", "litigation"]


@pytest.fixture
def policy() -> Policy:
    """The example policy, listing the reasons a hold may be placed for (a select, then)."""
    return load_policy(EXAMPLE).model_copy(update={"legal_holds": LegalHolds(reasons=REASONS)})


def sign_in(client: TestClient, email: str) -> str:
    """Sign in as `email`; the CSRF token of the session."""
    client.get("/admin/login")
    csrf = client.cookies.get("privet_login_csrf", "")
    client.post("/admin/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf})
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/admin/holds").text)
    assert found is not None
    return found.group(1)


def row(page: str, row_id: str) -> str:
    found = re.search(rf'<tr id="{re.escape(row_id)}".*?</tr>', page, re.S)
    assert found is not None, row_id
    return found.group(0)


def holds(store: Store) -> list[LegalHold]:
    with store.transaction() as session:
        return list(session.scalars(select(LegalHold)))


def test_it_reports_every_rule_and_charts_an_old_record_as_overdue(
    client: TestClient, web_store: Store, policy: Policy, charlie: str
) -> None:
    plant = Plant(web_store, policy)
    plant.lead("old@example.org", T0)
    plant.lead("recent@example.org", NOW - timedelta(days=480))  # 44% of 3 years
    plant.contract("client@example.org", T0, ends_on=T0.date())
    sign_in(client, charlie)
    page = client.get("/admin/retention").text
    for name in policy.retention:
        assert f"<code>{name}</code>" in page, name
    leads = row(page, "rule-leads-submissions")
    assert "3 years after last contact, then delete" in leads
    assert "1 overdue" in leads and "over 100%: overdue: 1" in leads
    assert "40-50%: 1" in leads and T0.strftime("%Y-%m-%d") in leads
    assert "1 overdue" in row(page, "rule-contracts-contracts")  # a day, compared as days
    assert "No sweep has ever run" in page


def test_it_shows_what_the_last_sweep_did_and_a_failed_one_prominently(
    client: TestClient, web_store: Store, policy: Policy, clock: FixedClock, charlie: str
) -> None:
    Plant(web_store, policy).lead("old@example.org", T0)
    sweep(web_store, policy, clock)
    sign_in(client, charlie)
    done = client.get("/admin/retention").text
    assert "Done: started" in done and "The last sweep failed" not in done
    assert re.search(r"<td><code>leads</code></td><td>submissions</td><td>1</td><td>1</td>", done)
    clock.advance(timedelta(hours=1))  # within the session's 12 hours
    with web_store.transaction() as session:
        session.add(SweepRun(started_at=clock.now(), owner="gone:1", as_of=clock.now(),
                             status="failed", error="OperationalError"))  # fmt: skip
    failed = client.get("/admin/retention").text
    assert 'role="alert">The last sweep failed (OperationalError)' in failed


def test_a_viewer_reads_the_pages_but_cannot_place_a_hold(
    client: TestClient, web_store: Store, policy: Policy, charlie: str
) -> None:
    Plant(web_store, policy).lead("ann@example.org", NOW)
    csrf = sign_in(client, charlie)
    for page in ("/admin/retention", "/admin/holds", "/admin/audit"):
        assert client.get(page).status_code == 200, page
    assert "Place the hold" not in client.get("/admin/holds").text
    fields = {"csrf_token": csrf, "email": "ann@example.org", "reason": "complaint"}
    assert client.post("/admin/holds", data=fields).status_code == 403
    assert holds(web_store) == []


def test_an_officer_places_a_hold_on_a_person_and_lifts_it(
    client: TestClient, web_store: Store, policy: Policy, clock: FixedClock, bob: str
) -> None:
    Plant(web_store, policy).lead("ann@example.org", NOW)
    csrf = sign_in(client, bob)
    fields = {"csrf_token": csrf, "email": "ann@example.org", "reason": "litigation",
              "note": "case 42"}  # fmt: skip
    placed = client.post("/admin/holds", data=fields, follow_redirects=False)
    assert placed.status_code == 303
    [hold] = holds(web_store)
    assert hold.subject_id is not None and hold.reason == "litigation"
    listed = client.get("/admin/holds").text
    assert "a person" in listed and str(hold.id) in listed and "case 42" in listed
    assert "ann@example.org" not in listed  # never the address in a list
    clock.advance(timedelta(hours=1))  # within the session's 12 hours
    lifting = client.post(f"/admin/holds/{hold.id}/lift", data={"csrf_token": csrf})
    assert lifting.status_code == 200  # the list, after the redirect
    [lifted] = holds(web_store)
    assert lifted.lifted_at == NOW + timedelta(hours=1) and lifted.lifted_by is not None
    assert "a person" in row(lifting.text, f"lifted-{hold.id}")
    assert "No hold is in force" in lifting.text


@pytest.mark.parametrize(
    ("given", "field", "before"),
    [
        ({"email": "nobody@example.org"}, "email", 'id="email"'),
        ({"request_id": "not-an-id"}, "request", 'id="request_id"'),
        ({"email": "ann@example.org", "category": "contact"}, "target", '<label for="email"'),
        ({"category": "contact", "reason": "boredom"}, "reason", 'id="reason"'),
        ({"category": "contact", "ends_on": "2020-01-01"}, "ends_at", 'id="ends_on"'),
    ],
)
def test_a_hold_that_cannot_be_placed_is_explained_beside_its_field(
    client: TestClient,
    web_store: Store,
    bob: str,
    *,
    given: dict[str, str],
    field: str,
    before: str,
) -> None:
    csrf = sign_in(client, bob)
    response = client.post("/admin/holds", data={"csrf_token": csrf, "reason": "complaint"} | given)
    assert response.status_code == 422
    page = response.text
    assert len(re.findall(r'id="[a-z_]+-error"', page)) == 1
    problem = page.index(f'id="{field}-error"')
    # Right above the field it is about: nothing else of the form in between.
    assert page.index(before) > problem
    assert "<label" not in page[problem : page.index(before)]
    assert holds(web_store) == []


def test_the_audit_page_says_no_finding_then_names_a_record_kept_too_long(
    client: TestClient, web_store: Store, policy: Policy, charlie: str
) -> None:
    sign_in(client, charlie)
    clean = client.get("/admin/audit").text
    assert "No finding: the store keeps every promise of the policy as of 2026-11-23" in clean
    Plant(web_store, policy).lead("old@example.org", T0)
    found = client.get("/admin/audit").text
    assert "No finding" not in found
    assert "<code>retention</code></td><td>rule &#39;leads&#39;: 1 submissions kept past" in found


def test_a_hold_ending_on_a_day_ends_at_its_start(
    client: TestClient, web_store: Store, bob: str
) -> None:
    csrf = sign_in(client, bob)
    fields = {"csrf_token": csrf, "category": "contact", "reason": "complaint",
              "ends_on": "2027-01-31"}  # fmt: skip
    client.post("/admin/holds", data=fields)
    [hold] = holds(web_store)
    assert hold.category == "contact" and hold.ends_at == datetime(2027, 1, 31, tzinfo=UTC)
    assert "category contact" in client.get("/admin/holds").text
