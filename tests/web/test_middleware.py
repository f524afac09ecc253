"""Body limits and cross-origin access, as a browser or a client meets them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import make_settings
from privet.clock import FixedClock
from privet.policy.schema import Policy, Website
from privet.store.open import Store
from privet.web.app import create_app

CONSENTS = "/api/v1/consents"
SITE = "https://www.example.org"


@pytest.fixture
def site_client(
    web_store: Store, sqlite_url: str, policy: Policy, clock: FixedClock, tmp_path: Path
) -> TestClient:
    on_site = policy.model_copy(update={"website": Website(url=SITE + "/")})
    return TestClient(create_app(make_settings(tmp_path, sqlite_url), on_site, web_store, clock))


def preflight(client: TestClient, path: str, origin: str) -> dict[str, str]:
    headers = {"origin": origin, "access-control-request-method": "POST",
               "access-control-request-headers": "content-type"}  # fmt: skip
    return dict(client.options(path, headers=headers).headers)


def test_the_operators_site_may_post_consents_from_its_pages(site_client: TestClient) -> None:
    allowed = preflight(site_client, CONSENTS, SITE)
    assert allowed["access-control-allow-origin"] == SITE
    assert "access-control-allow-credentials" not in allowed
    other = preflight(site_client, CONSENTS, "https://evil.invalid")
    assert "access-control-allow-origin" not in other


def test_staff_routes_never_answer_cross_origin(site_client: TestClient) -> None:
    headers = preflight(site_client, "/api/v1/staff/me", SITE)
    assert "access-control-allow-origin" not in headers


def test_a_chunked_body_over_the_limit_is_refused(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"granted": ['
        for _ in range(4000):
            yield b'"analytics",'
        yield b'"analytics"]}'

    response = client.post(CONSENTS, content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"
