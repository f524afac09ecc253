from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from admin.test_pages import csrf_of, sign_in
from conftest import make_settings
from privet.admin.service import find_user
from privet.clients.models import Contract
from privet.clock import FixedClock
from privet.policy.schema import Policy
from privet.rights.actions import restrict
from privet.store.open import Store
from privet.web.app import create_app

CONTRACT = {"email": "ann@example.org", "reference": "NTO-2026-07", "starts_on": "2026-03-01"}


def contracts(store: Store) -> list[Contract]:
    with store.transaction() as session:
        return list(session.scalars(select(Contract)))


def add(client: TestClient, **fields: str) -> tuple[int, str]:
    page = client.get("/admin/clients").text
    response = client.post(
        "/admin/clients", data={"csrf_token": csrf_of(page), **CONTRACT, **fields},
        follow_redirects=False,
    )  # fmt: skip
    return response.status_code, response.text


def test_an_officer_adds_a_contract_and_sees_it_listed(
    client: TestClient, web_store: Store, bob: str
) -> None:
    sign_in(client, bob)
    assert add(client)[0] == 303
    [contract] = contracts(web_store)
    with web_store.transaction() as session:
        officer = find_user(session, bob)
        assert officer is not None and contract.recorded_by == officer.id
    assert (contract.category, contract.legal_basis) == ("contracts", "legal_obligation")
    page = client.get("/admin/clients").text
    assert "ann@example.org" in page and "NTO-2026-07" in page
    assert "1 contract, 1 running." in page


def test_a_viewer_sees_dates_but_neither_clients_nor_references(
    client: TestClient, bob: str, charlie: str
) -> None:
    sign_in(client, bob)
    add(client, ends_on="2026-12-31")
    client.cookies.clear()
    sign_in(client, charlie)
    page = client.get("/admin/clients").text
    assert "1 contract, 0 running." in page and "2036-12-31" in page
    assert "ann@example.org" not in page and "NTO-2026-07" not in page
    assert 'action="/admin/clients"' not in page and "/end" not in page


def test_a_viewer_cannot_add_a_contract(client: TestClient, web_store: Store, charlie: str) -> None:
    sign_in(client, charlie)
    status, _ = add(client)
    assert status == 403
    assert contracts(web_store) == []


def test_adding_without_the_form_token_is_refused(
    client: TestClient, web_store: Store, bob: str
) -> None:
    sign_in(client, bob)
    assert client.post("/admin/clients", data=CONTRACT).status_code == 403
    assert add(client, csrf_token="forged")[0] == 403
    assert contracts(web_store) == []


def test_bad_input_is_explained_on_the_page_with_what_was_typed(
    client: TestClient, web_store: Store, bob: str
) -> None:
    sign_in(client, bob)
    status, page = add(client, ends_on="2026-02-01")
    assert status == 422
    assert "cannot end (2026-02-01) before it starts (2026-03-01)" in page
    assert 'value="NTO-2026-07"' in page
    assert contracts(web_store) == []


def test_an_officer_ends_a_contract_but_not_before_it_starts(
    client: TestClient, web_store: Store, bob: str
) -> None:
    sign_in(client, bob)
    add(client)
    [contract] = contracts(web_store)
    action, page = f"/admin/clients/{contract.id}/end", client.get("/admin/clients").text
    early = client.post(action, data={"csrf_token": csrf_of(page), "ends_on": "2026-01-01"})
    assert early.status_code == 422 and "before it starts" in early.text
    assert client.post(action, data={"ends_on": "2027-06-30"}).status_code == 403
    done = client.post(action, data={"csrf_token": csrf_of(page), "ends_on": "2027-06-30"})
    assert done.status_code == 200 and "2037-06-30" in done.text
    assert contracts(web_store)[0].ends_on == date(2027, 6, 30)


def test_ending_an_unknown_contract_is_a_404(client: TestClient, bob: str) -> None:
    page = sign_in(client, bob)
    action = "/admin/clients/00000000-0000-4000-8000-000000000000/end"
    response = client.post(action, data={"csrf_token": csrf_of(page), "ends_on": "2027-01-01"})
    assert response.status_code == 404


def test_the_page_keeps_to_the_strict_csp_and_the_dashboard_links_it(
    client: TestClient, bob: str
) -> None:
    dashboard = sign_in(client, bob)
    assert 'href="/admin/clients"' in dashboard
    response = client.get("/admin/clients")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "<script" not in response.text and "<style" not in response.text
    assert "style=" not in response.text and " on" + "click=" not in response.text


@pytest.fixture
def bare_client(
    web_store: Store, sqlite_url: str, no_contracts: Policy, clock: FixedClock, tmp_path: Path
) -> TestClient:
    """The app serving a policy that declares no contract data."""
    settings = make_settings(tmp_path, sqlite_url)
    return TestClient(create_app(settings, no_contracts, web_store, clock))


def test_a_policy_without_contract_data_says_so_and_offers_no_form(
    bare_client: TestClient, bob: str
) -> None:
    sign_in(bare_client, bob)
    page = bare_client.get("/admin/clients").text
    assert "declares no contract data" in page
    assert 'action="/admin/clients"' not in page


def test_a_restricted_clients_contract_says_do_not_use(
    client: TestClient, web_store: Store, bob: str, clock: FixedClock
) -> None:
    sign_in(client, bob)
    add(client)
    add(client, email="bea@example.org", reference="NTO-2026-08")
    with web_store.transaction() as session:
        assert restrict(session, "ann@example.org", clock.now())
    rows = client.get("/admin/clients").text.split("<tr>")
    assert ["NTO-2026-07" in row for row in rows if "do not use" in row] == [True]
