from __future__ import annotations

import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import create_engine

from privet.web.errors import install_error_handlers


def test_healthz_answers_with_the_policy_in_force(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "policy_version": "2026-04-11"}


def test_healthz_says_503_when_the_database_is_gone(client: TestClient, tmp_path) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    store.engine = create_engine(f"sqlite:///{tmp_path}/missing/dir/x.db")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "database_unavailable"


def test_the_api_docs_are_served_without_any_cdn(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "https://" not in page.text
    for asset in (
        "/docs/assets/swagger-ui-bundle.js",
        "/docs/assets/swagger-ui.css",
        "/static/docs.js",
    ):
        assert client.get(asset).status_code == 200
    assert client.get("/openapi.json").json()["info"]["title"] == "privet"


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    headers = client.get("/healthz").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_an_unknown_api_route_is_a_json_404(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not Found"}}


def test_an_unknown_page_is_an_html_404(client: TestClient) -> None:
    response = client.get("/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


class Signup(BaseModel):
    email: str
    age: int


def test_bad_input_is_a_422_naming_each_field_without_echoing_it() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/api/v1/signups")
    def signup(body: Signup) -> dict[str, str]:
        return {}

    response = TestClient(app).post("/api/v1/signups", json={"age": "ann@example.org"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert set(error["fields"]) == {"email", "age"}
    assert "ann@example.org" not in response.text


def test_an_unexpected_error_is_a_500_without_details(caplog: pytest.LogCaptureFixture) -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret detail ann@example.org")

    with caplog.at_level(logging.ERROR, logger="privet.web.errors"):
        response = TestClient(app, raise_server_exceptions=False).get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "ann@example.org" not in response.text
    (logged,) = [record for record in caplog.records if record.msg == "unhandled_error"]
    assert logged.error == "RuntimeError" and "boom" in logged.where[-1]
    assert logged.exc_info is None and "ann@example.org" not in caplog.text


def test_the_access_log_names_the_route_not_the_person(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="privet.access"):
        client.get("/healthz?email=ann@example.org", headers={"x-forwarded-for": "203.0.113.9"})
    [record] = [r for r in caplog.records if r.name == "privet.access"]
    assert record.route == "/healthz"  # type: ignore[attr-defined]
    assert record.status == 200  # type: ignore[attr-defined]
    logged = str(record.__dict__)
    assert "ann@example.org" not in logged
    assert "203.0.113.9" not in logged and "testclient" not in logged
