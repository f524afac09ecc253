from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from conftest import PASSWORD
from privet.admin import service
from privet.clock import FixedClock
from privet.store.open import Store


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Signs in through the form, CSRF and all; returns the page it lands on."""
    form = client.get("/admin/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert csrf is not None
    fields = {"email": email, "password": password, "csrf_token": csrf.group(1)}
    return client.post("/admin/login", data=fields).text


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_the_admin_pages_send_strangers_to_the_login_form(client: TestClient) -> None:
    response = client.get("/admin", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login"


def test_staff_sign_in_and_see_the_policy_in_force(client: TestClient, bob: str) -> None:
    page = sign_in(client, bob)
    assert "The policy in force" in page
    assert "NTOPROG" in page
    cookie = client.cookies.get("privet_session")
    assert cookie is not None


def test_the_session_cookie_is_httponly_and_strict(client: TestClient, bob: str) -> None:
    form = client.get("/admin/login")
    fields = {"email": bob, "password": PASSWORD, "csrf_token": csrf_of(form.text)}
    response = client.post("/admin/login", data=fields, follow_redirects=False)
    cookie = response.headers["set-cookie"]
    assert "privet_session=" in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_a_wrong_password_signs_nobody_in(client: TestClient, bob: str) -> None:
    page = sign_in(client, bob, PASSWORD + "x")
    assert "Wrong email or password" in page
    assert client.cookies.get("privet_session") is None


def test_a_login_without_the_form_token_is_refused(client: TestClient, bob: str) -> None:
    fields = {"email": bob, "password": PASSWORD, "csrf_token": "forged"}
    response = client.post("/admin/login", data=fields)
    assert response.status_code == 403
    assert client.cookies.get("privet_session") is None


def test_sign_out_needs_the_session_form_token(client: TestClient, charlie: str) -> None:
    page = sign_in(client, charlie)
    assert client.post("/admin/logout", data={"csrf_token": "forged"}).status_code == 403
    response = client.post("/admin/logout", data={"csrf_token": csrf_of(page)})
    assert "Sign in" in response.text
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_a_session_expires(client: TestClient, clock: FixedClock, charlie: str) -> None:
    sign_in(client, charlie)
    clock.advance(service.SESSION_LIFETIME + timedelta(seconds=1))
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_a_bearer_token_authenticates_api_calls(
    client: TestClient, web_store: Store, alice: str
) -> None:
    with web_store.transaction() as session:
        user = service.find_user(session, alice)
        assert user is not None
        token = service.create_api_token(session, user, "script", client.app.state.clock.now())  # type: ignore[attr-defined]
    response = client.get("/api/v1/staff/me", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json() == {"email": alice, "role": "admin", "via": "token"}


def test_the_api_refuses_a_missing_or_unknown_token(client: TestClient) -> None:
    assert client.get("/api/v1/staff/me").status_code == 401
    response = client.get("/api/v1/staff/me", headers={"authorization": "Bearer pvt_nope"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
