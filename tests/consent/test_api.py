"""The consent API over HTTP: receipts filed and read back, bad input refused whole."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from conftest import make_settings
from privet.clock import FixedClock
from privet.consent.models import ConsentReceipt
from privet.policy.schema import Policy
from privet.store.open import Store
from privet.web.app import create_app

URL = "/api/v1/consents"
FRENCH_ADDRESS = ("90.84.0.1", 40000)  # a French ISP's range in geoip2fast's database


def body(policy: Policy, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "policy_version": policy.policy.version,
        "method": "banner",
        "granted": ["analytics"],
        "denied": ["marketing"],
        "language": "fr",
    }
    return values | changes


def receipts(store: Store) -> list[ConsentReceipt]:
    with store.transaction() as session:
        return list(session.scalars(select(ConsentReceipt)))


@pytest.fixture
def french_client(
    web_store: Store, sqlite_url: str, policy: Policy, clock: FixedClock, tmp_path: Path
) -> TestClient:
    settings = make_settings(tmp_path, sqlite_url)
    return TestClient(create_app(settings, policy, web_store, clock), client=FRENCH_ADDRESS)


def test_it_files_a_decision_and_keeps_the_country_not_the_address(
    french_client: TestClient, web_store: Store, policy: Policy, sqlite_url: str
) -> None:
    response = french_client.post(URL, json=body(policy))
    assert response.status_code == 201
    answer = response.json()
    assert (answer["granted"], answer["denied"]) == (["analytics"], ["marketing"])
    [stored] = receipts(web_store)
    assert stored.country == "FR"
    assert str(stored.id) == answer["receipt_id"]
    database = Path(sqlite_url.removeprefix("sqlite:///"))
    for file in (database, database.with_name(database.name + "-wal")):
        assert FRENCH_ADDRESS[0].encode() not in file.read_bytes()


def test_a_known_visitor_keeps_their_id(client: TestClient, policy: Policy) -> None:
    visitor = str(uuid.uuid4())
    answer = client.post(URL, json=body(policy, visitor_id=visitor)).json()
    assert answer["visitor_id"] == visitor
    check = client.post(f"{URL}/check", json={"visitor_id": visitor, "category": "analytics"})
    assert check.json() == {
        "category": "analytics",
        "granted": True,
        "receipt_id": answer["receipt_id"],
    }
    other = client.post(
        f"{URL}/check", json={"visitor_id": str(uuid.uuid4()), "category": "analytics"}
    )
    assert other.json()["granted"] is False


def test_a_sec_gpc_request_is_recorded_as_an_opt_out(
    client: TestClient, web_store: Store, policy: Policy
) -> None:
    gpc = {"Sec-GPC": "1"}
    refused = client.post(URL, json=body(policy, granted=["marketing"], denied=[]), headers=gpc)
    assert refused.status_code == 422
    assert "granted" in refused.json()["error"]["fields"]
    opted_out = body(policy, method="gpc", granted=[], denied=["marketing"])
    assert client.post(URL, json=opted_out, headers=gpc).status_code == 201
    [stored] = receipts(web_store)
    assert (stored.gpc, stored.method, stored.denied) == (True, "gpc", ["marketing"])


def test_a_receipt_reads_back_as_iso_27560_and_as_kantara(
    client: TestClient, policy: Policy
) -> None:
    receipt_id = client.post(URL, json=body(policy)).json()["receipt_id"]
    stored = client.get(f"{URL}/{receipt_id}").json()
    assert stored["schema_version"] == "ISO/IEC TS 27560:2023"
    statuses = {p["cookie_category"]: p["status"] for p in stored["purposes"]}
    assert statuses == {"analytics": "given", "marketing": "refused"}
    kantara = client.get(f"{URL}/{receipt_id}", params={"view": "kantara"}).json()
    assert kantara["version"] == "KI-CR-v1.1.0"
    assert kantara["consentReceiptID"] == receipt_id
    assert kantara["piiPrincipalId"] == stored["pii_principal_id"]
    assert client.get(f"{URL}/{uuid.uuid4()}").status_code == 404


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"granted": ["tracking"]}, 422),
        ({"method": "telepathy"}, 422),
        ({"visitor_id": "not-a-uuid"}, 422),
        ({"shoe_size": 44}, 422),
        ({"policy_version": "1999-01-01"}, 409),
    ],
)
def test_bad_input_gets_a_4xx_naming_the_field_and_stores_nothing(
    client: TestClient, web_store: Store, policy: Policy, change: dict[str, object], status: int
) -> None:
    [field] = change
    response = client.post(URL, json=body(policy, **change))
    assert response.status_code == status
    assert field in response.json()["error"]["fields"]
    assert receipts(web_store) == []


def test_a_malformed_or_huge_body_is_refused(
    client: TestClient, web_store: Store, policy: Policy
) -> None:
    malformed = client.post(URL, content=b"{not json", headers={"content-type": "application/json"})
    assert malformed.status_code == 422
    huge = json.dumps(body(policy, granted=["analytics"] * 10_000))
    too_large = client.post(URL, content=huge, headers={"content-type": "application/json"})
    assert too_large.status_code == 413
    assert too_large.json()["error"]["code"] == "body_too_large"
    assert receipts(web_store) == []
