"""Collection: no view without consent in consent mode, hashes that cannot outlive their
day in cookieless mode, and the IP address reduced to a country and never written."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from conftest import NOW, ROOT, make_settings
from privet.analytics.collect import NotCounted, Seen, page_view
from privet.analytics.models import Pageview, Salt
from privet.clock import FixedClock
from privet.consent.service import Decision, record_decision
from privet.policy.load import load_policy
from privet.policy.schema import Policy
from privet.store.open import Store, open_store
from privet.web.app import create_app

NTROPIC = load_policy(ROOT / "examples" / "ntropic" / "policy.yaml")  # cookieless
CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36"
)
IP = "81.2.69.160"  # a British address, as the offline database knows it


def seen(visitor_id: uuid.UUID | None = None, **changes: object) -> Seen:
    values: dict[str, object] = {
        "path": "/pricing?email=ann@example.org#top", "referrer": "https://www.search.example/?q=x",
        "width": 1280, "visitor_id": visitor_id, "ip": IP, "user_agent": CHROME,
        "site": "shop.example", "do_not_track": False, "prefetch": False,
    }  # fmt: skip
    return Seen(**(values | changes))  # type: ignore[arg-type]


def grant(store: Store, policy: Policy, granted: list[str]) -> uuid.UUID:
    visitor = uuid.uuid4()
    denied = [name for name in ("analytics", "marketing") if name not in granted]
    decision = Decision(visitor, policy.policy.version, "banner", granted, denied, False, "en")
    with store.transaction() as session:
        record_decision(session, policy, decision, NOW, privacy_url="http://x.test/privacy")
    return visitor


def test_consent_mode_counts_only_a_visitor_whose_receipt_grants_analytics(
    store: Store, policy: Policy
) -> None:
    refused, agreed = grant(store, policy, ["marketing"]), grant(store, policy, ["analytics"])
    with store.transaction() as session:
        for visitor in (None, uuid.uuid4(), refused):
            with pytest.raises(NotCounted) as dropped:
                page_view(session, policy, store.keyring, seen(visitor), NOW)
            assert dropped.value.status == 403
        view = page_view(session, policy, store.keyring, seen(agreed), NOW)
    assert view.visitor == store.keyring.blind_index(str(agreed))
    assert (view.path, view.referrer_host, view.country) == ("/pricing", "search.example", "GB")
    assert (view.browser, view.device, view.viewport) == ("Chrome", "desktop", "desktop")


def test_cookieless_hashes_change_each_day_and_yesterdays_salt_is_gone(store: Store) -> None:
    with store.transaction() as session:
        today = page_view(session, NTROPIC, store.keyring, seen(), NOW).visitor
        again = page_view(session, NTROPIC, store.keyring, seen(), NOW).visitor
        tomorrow = page_view(session, NTROPIC, store.keyring, seen(), NOW + timedelta(days=1))
        salts = [salt.day for salt in session.scalars(select(Salt))]
    assert today == again and today != tomorrow.visitor
    assert salts == [(NOW + timedelta(days=1)).date()]


def test_bots_prefetches_and_do_not_track_are_not_counted(store: Store) -> None:
    with store.transaction() as session:
        for hit in (seen(user_agent="Googlebot/2.1"), seen(prefetch=True),
                    seen(do_not_track=True)):  # fmt: skip
            with pytest.raises(NotCounted) as dropped:
                page_view(session, NTROPIC, store.keyring, hit, NOW)
            assert dropped.value.status == 202


@pytest.mark.parametrize(
    ("ip", "country"), [("8.8.8.8", "US"), ("77.88.8.8", "RU"), ("41.243.0.1", "CD")]
)
def test_a_known_address_maps_to_its_country(store: Store, ip: str, country: str) -> None:
    with store.transaction() as session:
        assert page_view(session, NTROPIC, store.keyring, seen(ip=ip), NOW).country == country


@pytest.fixture
def cookieless(sqlite_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, sqlite_url, policy=ROOT / "examples/ntropic/policy.yaml")
    store = open_store(settings, clock)
    app = create_app(settings, NTROPIC, store, clock)
    yield TestClient(app, client=(IP, 50000), headers={"user-agent": CHROME})
    store.close()


def test_the_ip_address_is_in_no_row_file_or_log_line(
    cookieless: TestClient, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = '{"event": "pageview", "path": "/", "width": 400}'
    answer = cookieless.post("/api/v1/collect", content=body,
                             headers={"content-type": "text/plain"})  # fmt: skip
    assert answer.status_code == 202 and answer.json()["stored"] is True
    leave = {"event": "leave", "view": answer.json()["view"], "duration_ms": 4200}
    assert cookieless.post("/api/v1/collect", json=leave).json() == {"stored": True}

    database = Path(sqlite_url.removeprefix("sqlite:///"))
    stored = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    assert IP.encode() not in stored and bytes(map(int, IP.split("."))) not in stored
    assert all(IP not in str(vars(record)) for record in caplog.records)
    state = cookieless.app.state  # type: ignore[attr-defined]
    with state.store.transaction() as session:
        row = session.scalars(select(Pageview)).one()
    assert (row.country, row.viewport, row.duration_ms) == ("GB", "mobile", 4200)


def test_the_endpoint_says_why_a_view_was_not_stored(client: TestClient) -> None:
    """NTOPROG is in consent mode: a browser without a granting receipt gets a 403."""
    refused = client.post("/api/v1/collect", json={"event": "pageview", "path": "/"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "no_consent"
    bad = client.post("/api/v1/collect", json={"event": "pageview", "width": -1})
    assert bad.status_code == 422
    assert set(bad.json()["error"]["fields"]) == {"path", "width"}
    state = client.app.state  # type: ignore[attr-defined]
    with state.store.transaction() as session:
        assert session.scalars(select(Pageview)).first() is None
