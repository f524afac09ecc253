"""Every staff route, walked with every role: who is sent to sign in, who is refused, who
gets through; every staff form refused without its CSRF token; the session cookie.

The minimum role of each route is declared here, once. A new route under /admin, /api/v1
or /metrics fails `test_every_staff_route_is_declared` until it is added to MINIMUM (or,
when anyone may call it, to PUBLIC), and the declaration must match the route's own
`require(...)`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import select

from admin.test_pages import csrf_of, sign_in
from conftest import NOW, PASSWORD, make_settings
from privet.admin import service
from privet.admin.models import StaffSession
from privet.admin.roles import ROLES, may
from privet.clock import FixedClock
from privet.policy.schema import Policy
from privet.store.open import Store
from privet.web.app import create_app
from privet.web.auth import Require

MINIMUM = {
    ("GET", "/metrics"): "viewer",
    ("GET", "/api/v1/staff/me"): "viewer",
    ("GET", "/admin"): "viewer",
    ("POST", "/admin/logout"): "viewer",
    ("GET", "/admin/ropa"): "viewer",
    ("GET", "/admin/submissions"): "viewer",
    ("POST", "/admin/submissions/search"): "viewer",
    ("GET", "/admin/submissions/{submission_id}"): "viewer",
    ("POST", "/admin/submissions/{submission_id}/flag"): "officer",
    ("GET", "/admin/clients"): "viewer",
    ("POST", "/admin/clients"): "officer",
    ("POST", "/admin/clients/{contract_id}/end"): "officer",
    ("GET", "/admin/requests"): "viewer",
    ("GET", "/admin/requests/{request_id}"): "viewer",
    ("POST", "/admin/requests/{request_id}/carry-out"): "officer",
    ("POST", "/admin/requests/{request_id}/extend"): "officer",
    ("POST", "/admin/requests/{request_id}/refuse"): "officer",
    ("POST", "/admin/requests/{request_id}/rectify"): "officer",
    ("GET", "/admin/retention"): "viewer",
    ("GET", "/admin/audit"): "viewer",
    ("GET", "/admin/holds"): "viewer",
    ("POST", "/admin/holds"): "officer",
    ("POST", "/admin/holds/{hold_id}/lift"): "officer",
    ("GET", "/admin/analytics"): "viewer",
    ("GET", "/admin/analytics.csv"): "viewer",
    ("GET", "/admin/audit-log"): "officer",
}
# Under the staff prefixes, yet for anyone: signing in, and what visitors' browsers call.
PUBLIC = {
    ("GET", "/admin/login"),
    ("POST", "/admin/login"),
    ("POST", "/api/v1/forms/{form}/submissions"),
    ("POST", "/api/v1/consents"),
    ("GET", "/api/v1/consents/{receipt_id}"),
    ("POST", "/api/v1/consents/check"),
    ("POST", "/api/v1/collect"),
    ("POST", "/api/v1/requests"),
    ("POST", "/api/v1/requests/{request_id}/verify"),
    ("GET", "/api/v1/requests/{request_id}"),
}
STAFF_PREFIXES = ("/admin", "/api/v1", "/metrics")
SAMPLE_PARAMETERS = {"form": "contact"}  # any other {name} gets a random id
PERSONAS = ("anonymous", *ROLES)


def walk_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str, Any]]:
    """(method, path, route) of every route. FastAPI 0.165 keeps included routers whole,
    with their prefix beside them (its private `_IncludedRouter`): look inside."""
    for route in routes:
        if hasattr(route, "original_router"):
            inner = prefix + route.include_context.prefix
            yield from walk_routes(route.original_router.routes, inner)
            continue
        for method in getattr(route, "methods", None) or ():
            if method not in ("HEAD", "OPTIONS"):
                yield method, prefix + route.path, route


def required_role(route: Any) -> str | None:
    """The minimum role the route's own dependencies demand, or None."""
    pending = list(getattr(getattr(route, "dependant", None), "dependencies", []))
    while pending:
        dependency = pending.pop()
        if isinstance(dependency.call, Require):
            return dependency.call.minimum
        pending += dependency.dependencies
    return None


def _staff_routes(client: TestClient) -> dict[tuple[str, str], str | None]:
    routes = walk_routes(client.app.routes)  # type: ignore[attr-defined]  # privet's FastAPI app
    return {
        (method, path): required_role(route)
        for method, path, route in routes
        if path.startswith(STAFF_PREFIXES) or required_role(route) is not None
    }


def test_every_staff_route_is_declared_with_its_real_minimum(client: TestClient) -> None:
    found = _staff_routes(client)
    for (method, path), required in found.items():
        declared = MINIMUM.get((method, path))
        assert declared or (method, path) in PUBLIC, (
            f"{method} {path} is new: declare its minimum role in MINIMUM, or list it in "
            "PUBLIC, in tests/web/test_access.py"
        )
        assert required == declared, f"{method} {path} requires {required}, declared {declared}"
    assert set(MINIMUM) | PUBLIC <= set(found), "a declared route no longer exists"


@pytest.fixture
def personas(
    client: TestClient, web_store: Store, alice: str, bob: str, charlie: str
) -> dict[str, tuple[TestClient, str, str]]:
    """Per role: a signed-in browser, its session's CSRF token, and a bearer token scoped
    to the role (the session cookie is for /admin only)."""
    found = {"anonymous": (client, "", "")}
    for role, email in (("admin", alice), ("officer", bob), ("viewer", charlie)):
        browser = TestClient(client.app)
        csrf = csrf_of(sign_in(browser, email))
        with web_store.transaction() as session:
            user = service.find_user(session, email)
            assert user is not None
            token = service.create_api_token(session, user, "walk", NOW, scope=role)
        found[role] = (browser, csrf, token)
    return found


def _call(persona: tuple[TestClient, str, str], method: str, path: str) -> Response:
    browser, csrf, token = persona
    url = re.sub(r"\{(\w+)\}", lambda m: SAMPLE_PARAMETERS.get(m[1], str(uuid.uuid4())), path)
    by_token = token and not path.startswith("/admin")
    headers = {"authorization": f"Bearer {token}"} if by_token else {}
    data = {"csrf_token": csrf} if csrf and method != "GET" else None
    return browser.request(method, url, data=data, headers=headers, follow_redirects=False)


def _outcome(response: Response) -> str:
    if response.status_code == 401:
        return "unauthenticated"
    if response.status_code == 303 and response.headers["location"] == "/admin/login":
        return "sign in"
    if response.status_code == 403:
        return "forbidden"
    assert response.status_code < 500, response.text
    return "through"


def _expected(persona: str, minimum: str, path: str) -> str:
    if persona == "anonymous":
        return "sign in" if path.startswith("/admin") else "unauthenticated"
    return "through" if may(persona, minimum) else "forbidden"  # type: ignore[arg-type]


def test_every_staff_route_answers_each_role_as_declared(
    personas: dict[str, tuple[TestClient, str, str]],
) -> None:
    for (method, path), minimum in MINIMUM.items():
        if path == "/admin/logout":
            continue  # it ends the sessions the other calls use: last, below
        for persona in PERSONAS:
            outcome = _outcome(_call(personas[persona], method, path))
            assert outcome == _expected(persona, minimum, path), f"{persona}: {method} {path}"
    # Signing out lands on the login form too: through means the session really ended.
    assert _outcome(_call(personas["anonymous"], "POST", "/admin/logout")) == "sign in"
    for role in ROLES:
        browser = personas[role][0]
        assert browser.get("/admin", follow_redirects=False).status_code == 200
        assert _call(personas[role], "POST", "/admin/logout").status_code == 303
        assert _outcome(browser.get("/admin", follow_redirects=False)) == "sign in", role


def test_public_routes_need_nobody_signed_in(client: TestClient) -> None:
    for method, path in PUBLIC:
        outcome = _outcome(_call((client, "", ""), method, path))
        assert outcome in ("through", "forbidden"), f"{method} {path}"
        if outcome == "forbidden":  # analytics without consent: a refusal, not a login
            assert path == "/api/v1/collect"


def test_every_staff_form_without_its_csrf_token_is_refused(
    personas: dict[str, tuple[TestClient, str, str]],
) -> None:
    browser, _csrf, _token = personas["admin"]
    forms = [path for method, path in MINIMUM if method == "POST" and path.startswith("/admin")]
    for path in forms:
        url = re.sub(r"\{(\w+)\}", lambda _: str(uuid.uuid4()), path)
        response = browser.post(url, data={"note": "x", "email": "ann@example.org"})
        assert response.status_code == 403, path
        assert "stale or forged" in response.text, path
    assert browser.get("/admin", follow_redirects=False).status_code == 200  # still signed in


def test_signing_in_without_the_form_token_is_refused(client: TestClient, bob: str) -> None:
    client.get("/admin/login")  # the login CSRF cookie is set, but not echoed
    response = client.post("/admin/login", data={"email": bob, "password": "x" * 12})
    assert response.status_code == 403


def test_the_session_cookie_is_for_staff_pages_only_and_secure_over_https(
    *, web_store: Store, sqlite_url: str, policy: Policy, clock: FixedClock, tmp_path: Path,
    bob: str,
) -> None:  # fmt: skip
    settings = make_settings(tmp_path, sqlite_url, base_url="https://privacy.example.org")
    app = create_app(settings, policy, web_store, clock)
    browser = TestClient(app, base_url="https://testserver")  # Secure cookies come back
    form = browser.get("/admin/login")
    assert "Secure" in form.headers["set-cookie"]  # the login form's CSRF cookie too
    fields = {"email": bob, "password": PASSWORD, "csrf_token": csrf_of(form.text)}
    signed_in = browser.post("/admin/login", data=fields, follow_redirects=False)
    session = next(
        cookie
        for cookie in signed_in.headers.get_list("set-cookie")
        if cookie.startswith("privet_session=")
    )
    attributes = {part.strip().split("=")[0].lower(): part for part in session.split(";")[1:]}
    assert {"httponly", "secure", "samesite", "path", "max-age"} <= attributes.keys()
    assert attributes["samesite"].strip().lower() == "samesite=strict"
    assert attributes["path"].strip() == "Path=/admin"
    assert attributes["max-age"].strip() == f"Max-Age={12 * 3600}"


def test_an_idle_session_ends_before_its_lifetime(
    client: TestClient, clock: FixedClock, charlie: str
) -> None:
    sign_in(client, charlie)
    for _ in range(3):  # used every 1 h 59: kept alive past 5 hours
        clock.advance(service.SESSION_IDLE - timedelta(minutes=1))
        assert client.get("/admin", follow_redirects=False).status_code == 200
    clock.advance(service.SESSION_IDLE)
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_ended_sessions_are_deleted_at_the_next_sign_in(
    client: TestClient, web_store: Store, clock: FixedClock, bob: str, charlie: str
) -> None:
    sign_in(client, charlie)
    clock.advance(service.SESSION_IDLE)
    sign_in(TestClient(client.app), bob)
    with web_store.transaction() as session:
        remaining = session.scalars(select(StaffSession)).all()
    assert [staff_session.user.email for staff_session in remaining] == [bob]
