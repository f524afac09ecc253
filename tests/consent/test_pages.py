"""The visitor's pages: the script with the policy built in, GPC, and the preferences page."""

from __future__ import annotations

import gzip
import json
import uuid
from urllib.parse import quote

from fastapi.testclient import TestClient

from privet.policy.schema import Policy

SCRIPT_BUDGET = 8 * 1024  # bytes, gzipped: the whole banner, words of every language included


def banner_config(client: TestClient) -> dict[str, object]:
    script = client.get("/privet.js").text
    assert "/*CONFIG*/" not in script, "the server put the policy's settings in"
    start = script.index('{"policy_version"')
    config: dict[str, object] = json.JSONDecoder().raw_decode(script, start)[0]
    return config


def consent_cookie(visitor: str, receipt: str | None) -> str:
    value = {"v": visitor, "r": receipt, "p": "x", "d": {}}
    return quote(json.dumps(value))


def test_the_script_is_built_from_the_policy(client: TestClient, policy: Policy) -> None:
    response = client.get("/privet.js")
    assert response.headers["content-type"].startswith("text/javascript")
    config = banner_config(client)
    assert config["policy_version"] == policy.policy.version
    categories = {c["name"]: c for c in config["categories"]}  # type: ignore[attr-defined]
    assert categories["functional"]["required"] is True
    assert categories["analytics"]["vendors"][0]["name"] == "Google Analytics"
    assert categories["marketing"]["gpc"] is True
    assert categories["marketing"]["consent_mode"] == [
        "ad_storage",
        "ad_user_data",
        "ad_personalization",
    ]
    thirteen_months = 395 * 24 * 3600  # from NOW, 2026-11-23, to 2027-12-23
    assert config["cookie"] == {"name": "privet_consent", "max_age": thirteen_months}
    assert set(config["words"]) == {"fr", "en"}  # type: ignore[arg-type]


def test_a_browser_revalidates_the_script_and_gets_a_304_until_the_policy_changes(
    client: TestClient, policy: Policy
) -> None:
    first = client.get("/privet.js")
    assert first.headers["cache-control"] == "no-cache"
    tag = first.headers["etag"]
    assert client.get("/privet.js", headers={"if-none-match": tag}).status_code == 304
    app = client.app
    newer = policy.model_copy(update={"policy": policy.policy.model_copy(update={"version": "9"})})
    app.state.policy = newer  # type: ignore[attr-defined]  # the app is privet's FastAPI
    changed = client.get("/privet.js", headers={"if-none-match": tag})
    assert changed.status_code == 200 and changed.headers["etag"] != tag


def test_the_script_stays_under_its_size_budget(client: TestClient) -> None:
    script = client.get("/privet.js").content
    assert len(gzip.compress(script, compresslevel=9)) < SCRIPT_BUDGET


def test_the_gpc_statement_says_the_site_honours_it(client: TestClient, policy: Policy) -> None:
    statement = client.get("/.well-known/gpc.json").json()
    assert statement == {"gpc": True, "lastUpdate": policy.policy.effective.isoformat()}


def test_the_preferences_page_lists_this_browsers_receipts(
    client: TestClient, policy: Policy
) -> None:
    visitor = str(uuid.uuid4())
    decision = {
        "visitor_id": visitor,
        "policy_version": policy.policy.version,
        "denied": ["analytics", "marketing"],
    }
    receipt = client.post("/api/v1/consents", json=decision).json()["receipt_id"]
    client.post("/api/v1/consents", json=decision | {"visitor_id": str(uuid.uuid4())})
    client.cookies.set("privet_consent", consent_cookie(visitor, receipt))
    page = client.get("/privacy/preferences", params={"lang": "fr"}).text
    assert "Vos reçus de consentement" in page
    assert page.count("/api/v1/consents/") == 1 and receipt in page
    assert 'id="privet-preferences"' in page
    download = client.get("/privacy/preferences/receipts.json")
    assert "attachment" in download.headers["content-disposition"]
    assert [r["record_id"] for r in download.json()["receipts"]] == [receipt]


def test_without_a_cookie_the_preferences_page_shows_no_receipt(client: TestClient) -> None:
    client.cookies.set("privet_consent", "not%20json")
    page = client.get("/privacy/preferences", params={"lang": "en"})
    assert page.status_code == 200
    assert "This browser has made no choice yet." in page.text
    assert client.get("/privacy/preferences/receipts.json").json() == {"receipts": []}
