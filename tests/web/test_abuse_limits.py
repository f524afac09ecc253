"""Abuse limits on the public endpoints: a token bucket per client (429 with Retry-After),
client addresses from trusted proxies only, a body limit on every public POST (413), and
a service that still answers others under a flood."""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx2 as httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from conftest import TEST_SECRET, make_settings
from privet.clock import FixedClock
from privet.config import Rate, Settings, SettingsError
from privet.policy.schema import Policy
from privet.store.crypto import Keyring, decode_secret
from privet.store.open import Store
from privet.web.app import BODY_LIMIT, BODY_LIMITS, RATE_LIMITED_PREFIXES, create_app
from privet.web.rate_limit import Buckets
from web.test_access import required_role, walk_routes

CONSENTS = "/api/v1/consents"
VISITOR, OTHER = ("203.0.113.10", 40000), ("198.51.100.20", 40000)
STARTUP_SECONDS = 10


AppMaker = Callable[..., FastAPI]


@pytest.fixture
def app_with(
    web_store: Store, sqlite_url: str, policy: Policy, clock: FixedClock, tmp_path: Path
) -> AppMaker:
    """privet with some settings given, on the test's database and clock."""

    def make(**settings: object) -> FastAPI:
        return create_app(make_settings(tmp_path, sqlite_url, **settings), policy, web_store, clock)

    return make


def decision(policy: Policy) -> dict[str, object]:
    return {"policy_version": policy.policy.version, "method": "banner", "granted": ["analytics"]}


def test_a_client_over_its_limit_gets_429_naming_it_and_others_do_not(
    app_with: AppMaker, policy: Policy, clock: FixedClock
) -> None:
    app = app_with(public_rate_limit="5/1m")
    visitor, other = TestClient(app, client=VISITOR), TestClient(app, client=OTHER)
    statuses = [visitor.post(CONSENTS, json=decision(policy)).status_code for _ in range(6)]
    assert statuses == [201] * 5 + [429]
    refused = visitor.post(CONSENTS, json=decision(policy))
    assert refused.headers["retry-after"] == "12"  # one request back every 60/5 seconds
    assert refused.json()["error"]["code"] == "rate_limited"
    assert "5 requests per 60 s" in refused.json()["error"]["message"]
    assert other.post(CONSENTS, json=decision(policy)).status_code == 201
    clock.advance(timedelta(seconds=12))
    assert visitor.post(CONSENTS, json=decision(policy)).status_code == 201
    assert visitor.post(CONSENTS, json=decision(policy)).status_code == 429


def test_pages_and_preflights_are_not_counted(app_with: AppMaker) -> None:
    app = app_with(public_rate_limit="1/1h")
    visitor = TestClient(app, client=VISITOR)
    preflight = {"origin": "https://www.example.org", "access-control-request-method": "POST"}
    for _ in range(3):
        assert visitor.get("/privacy").status_code == 200
        visitor.options(CONSENTS, headers=preflight)
    assert visitor.post(CONSENTS, json={}).status_code == 422  # the one request allowed
    assert visitor.post(CONSENTS, json={}).status_code == 429


def test_behind_a_listed_proxy_each_forwarded_client_has_its_own_limit(
    app_with: AppMaker,
) -> None:
    app = app_with(public_rate_limit="1/1h", trusted_proxies="10.0.0.0/8")
    proxy = TestClient(app, client=("10.1.2.3", 40000))
    first, second = {"x-forwarded-for": "203.0.113.1"}, {"x-forwarded-for": "203.0.113.2"}
    assert proxy.post(CONSENTS, json={}, headers=first).status_code == 422
    assert proxy.post(CONSENTS, json={}, headers=second).status_code == 422
    # A client writing its own X-Forwarded-For only adds to the left of what the proxy saw.
    spoofed = {"x-forwarded-for": "192.0.2.99, 203.0.113.1"}
    assert proxy.post(CONSENTS, json={}, headers=spoofed).status_code == 429


def test_without_a_listed_proxy_x_forwarded_for_is_ignored(app_with: AppMaker) -> None:
    app = app_with(public_rate_limit="1/1h")
    visitor = TestClient(app, client=VISITOR)
    for forwarded, status in (("192.0.2.1", 422), ("192.0.2.2", 429)):
        response = visitor.post(CONSENTS, json={}, headers={"x-forwarded-for": forwarded})
        assert response.status_code == status


def test_buckets_keep_no_address_and_stay_bounded(clock: FixedClock) -> None:
    keyring = Keyring(decode_secret(TEST_SECRET))
    buckets = Buckets(keyring, Rate(1, timedelta(hours=1)), clock, max_clients=3)
    for number in range(10):
        assert buckets.take(f"203.0.113.{number}") is None
    assert len(buckets) == 3
    assert not any("203.0.113" in key for key in buckets.held())
    assert buckets.take("203.0.113.9") is not None  # the most recent are the ones kept
    yesterday = buckets.held()
    clock.advance(timedelta(days=1))
    assert buckets.take("203.0.113.9") is None  # a new day, a new key: a fresh start
    assert set(buckets.held()).isdisjoint(yesterday)


def test_the_limits_are_settings_refused_when_malformed() -> None:
    settings = Settings.from_env({})
    assert settings.public_rate_limit == Rate(120, timedelta(minutes=1))
    assert settings.trusted_proxies == ()
    with pytest.raises(SettingsError, match="PRIVET_PUBLIC_RATE_LIMIT"):
        Settings.from_env({"PRIVET_PUBLIC_RATE_LIMIT": "lots"})
    with pytest.raises(SettingsError, match="PRIVET_TRUSTED_PROXIES"):
        Settings.from_env({"PRIVET_TRUSTED_PROXIES": "10.0.0.0/8, proxy.example.org"})
    assert Settings.from_env({"PRIVET_PUBLIC_RATE_LIMIT": "off"}).public_rate_limit is None


def _public_posts(app: FastAPI) -> list[str]:
    return sorted(
        path
        for method, path, route in walk_routes(app.routes)
        if method == "POST" and required_role(route) is None
    )


def _limit_for(path: str) -> int:
    return next(
        (limit for prefix, limit in BODY_LIMITS.items() if path.startswith(prefix)), BODY_LIMIT
    )


def _url(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: "contact" if m[1] == "form" else "x", path)


def test_every_public_post_has_a_body_limit_and_a_rate_limit(app_with: AppMaker) -> None:
    app = app_with(public_rate_limit="off")
    client = TestClient(app)
    posts = _public_posts(app)
    assert "/api/v1/consents" in posts and "/privacy/requests" in posts and "/admin/login" in posts
    for path in posts:
        assert path.startswith(RATE_LIMITED_PREFIXES), f"{path} has no rate limit"
        limit = _limit_for(path)
        declared = client.post(_url(path), content=b"x" * (limit + 1))
        assert declared.status_code == 413, path
        chunked = client.post(_url(path), content=iter([b"x" * limit, b"x"]))
        assert chunked.status_code == 413, path
        assert chunked.json()["error"]["code"] == "body_too_large"


@contextlib.contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """privet under uvicorn on a loopback port, in a thread, as `privet serve` runs it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off",
                            proxy_headers=False)  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not server.started:  # polled readiness, not a sleep standing in for one
            assert thread.is_alive() and time.monotonic() < deadline, "privet did not start"
            time.sleep(0.01)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(STARTUP_SECONDS)
        listener.close()


# (body, content type): broken JSON, a body four times the limit, bytes that are no text,
# and JSON of the wrong shape.
BAD_REQUESTS = [
    (b"{not json", "application/json"),
    (b"x" * 64 * 1024, "application/json"),
    (b"\xff\xfe" * 100, "text/plain"),
    (b'{"policy_version": ["nested"], "granted": "everything"}', "application/json"),
]


def test_a_flood_from_one_client_leaves_the_service_answering_others(
    app_with: AppMaker, policy: Policy
) -> None:
    app = app_with(public_rate_limit="30/1m", trusted_proxies="127.0.0.1")
    flooder = {"x-forwarded-for": VISITOR[0]}

    def flood(number: int) -> list[int]:
        with httpx.Client(base_url=base, timeout=30) as client:
            sent = [BAD_REQUESTS[(number + n) % len(BAD_REQUESTS)] for n in range(25)]
            headers = [flooder | {"content-type": kind} for _, kind in sent]
            return [
                client.post(CONSENTS, content=body, headers=each).status_code
                for (body, _), each in zip(sent, headers, strict=True)
            ]

    with serving(app) as base:
        with ThreadPoolExecutor(8) as pool:
            statuses = [status for batch in pool.map(flood, range(8)) for status in batch]
        other = httpx.post(f"{base}{CONSENTS}", json=decision(policy),
                           headers={"x-forwarded-for": OTHER[0]})  # fmt: skip
        health = httpx.get(f"{base}/healthz")
    assert len(statuses) == 200
    assert set(statuses) <= {400, 413, 415, 422, 429}, set(statuses)
    assert sum(status != 429 for status in statuses) == 30  # the burst, then refused
    assert other.status_code == 201
    assert health.status_code == 200
