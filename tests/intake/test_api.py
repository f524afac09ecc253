from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from conftest import make_settings
from privet.clock import FixedClock
from privet.intake.models import Submission
from privet.policy.schema import Policy
from privet.store.open import Store
from privet.web.app import create_app

URL = "/api/v1/forms/contact/submissions"
CONTACT = {"name": "Ann", "email": "ann@example.org", "message": "A quote, please"}
SITE = "http://127.0.0.1:8000/contact.html"


def count(store: Store) -> int:
    with store.transaction() as session:
        return session.scalar(select(func.count()).select_from(Submission)) or 0


def browser_fields(client: TestClient, clock: FixedClock) -> dict[str, str]:
    """What a person's browser sends: the snippet's hidden token, a few seconds later."""
    snippet = client.get("/forms/contact").text
    token = re.search(r'name="privet_started" value="([^"]+)"', snippet)
    assert token is not None
    clock.advance(timedelta(seconds=30))
    return CONTACT | {"privet_started": token.group(1), "privet_return": SITE}


def test_a_json_submission_is_stored(client: TestClient, web_store: Store) -> None:
    response = client.post(URL, json=CONTACT)
    assert response.status_code == 201
    assert response.json()["form"] == "contact"
    assert count(web_store) == 1


def test_a_bad_json_submission_names_each_field_without_echoing_it(
    client: TestClient, web_store: Store
) -> None:
    response = client.post(URL, json={"email": "ann@", "shoe_size": "44"})
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"email", "shoe_size", "name", "message"}
    assert "ann@" not in response.text
    assert count(web_store) == 0


def test_an_undeclared_key_holding_data_is_refused_without_being_repeated(
    client: TestClient, web_store: Store
) -> None:
    response = client.post(URL, json=CONTACT | {"bea@example.org": "x"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "(unnamed)": "not a field of this form: only declared data is collected"
    }
    assert "bea@example.org" not in response.text
    assert count(web_store) == 0


def test_a_plain_html_form_is_stored_and_sends_the_visitor_back(
    client: TestClient, clock: FixedClock, web_store: Store
) -> None:
    response = client.post(URL, data=browser_fields(client, clock), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == SITE + "?privet=sent"
    assert count(web_store) == 1


def test_a_plain_html_form_never_redirects_to_another_site(
    client: TestClient, clock: FixedClock
) -> None:
    fields = browser_fields(client, clock) | {"privet_return": "https://evil.example.org/"}
    response = client.post(URL, data=fields, follow_redirects=False)
    assert response.status_code == 201
    assert "Merci" in response.text  # in the language the form was shown in


def test_a_plain_html_form_with_a_mistake_shows_what_to_fix(
    client: TestClient, clock: FixedClock, web_store: Store
) -> None:
    response = client.post(URL, data=browser_fields(client, clock) | {"email": ""})
    assert response.status_code == 422
    assert "<strong>email</strong>: required" in response.text
    assert count(web_store) == 0


def test_a_form_sent_without_its_token_or_too_fast_is_refused(
    client: TestClient, web_store: Store
) -> None:
    assert client.post(URL, data=CONTACT).status_code == 422
    snippet = client.get("/forms/contact").text
    token = re.search(r'name="privet_started" value="([^"]+)"', snippet)
    assert token is not None
    too_fast = client.post(URL, data=CONTACT | {"privet_started": token.group(1)})
    assert too_fast.status_code == 422 and "too quickly" in too_fast.text
    assert count(web_store) == 0


def test_a_bot_filling_the_honeypot_is_answered_but_nothing_is_stored(
    client: TestClient, web_store: Store
) -> None:
    response = client.post(URL, json=CONTACT | {"privet_website": "https://spam.example.org"})
    assert response.status_code == 201 and "id" in response.json()
    assert count(web_store) == 0


def test_one_address_is_limited_to_ten_submissions_in_ten_minutes(
    client: TestClient, web_store: Store
) -> None:
    statuses = [client.post(URL, json=CONTACT).status_code for _ in range(11)]
    assert statuses == [201] * 10 + [429]
    assert count(web_store) == 10


def test_an_unknown_form_or_body_type_is_refused(client: TestClient) -> None:
    assert client.post("/api/v1/forms/nope/submissions", json=CONTACT).status_code == 404
    response = client.post(URL, content=b"name=Ann", headers={"content-type": "text/plain"})
    assert response.status_code == 415


def test_the_snippet_marks_required_fields_and_links_the_purpose(client: TestClient) -> None:
    snippet = client.get("/forms/contact?lang=fr").text
    assert 'name="email" type="email" maxlength="320" required aria-required="true"' in snippet
    assert 'name="phone" type="tel" maxlength="32"' not in snippet  # phone: no declared cap
    assert 'name="phone" type="tel" maxlength="200">' in snippet
    assert "Répondre à vos demandes de contact" in snippet
    assert "/privacy#purpose-quotes_and_orders" in snippet
    assert 'name="privet_website"' in snippet


@pytest.fixture
def client_limited_to(
    web_store: Store, sqlite_url: str, policy: Policy, clock: FixedClock, tmp_path: Path
) -> Callable[[str], TestClient]:
    """A client of privet run with PRIVET_FORM_RATE_LIMIT set to the rate given."""

    def limited_to(rate: str) -> TestClient:
        settings = make_settings(tmp_path, sqlite_url, form_rate_limit=rate)
        return TestClient(create_app(settings, policy, web_store, clock))

    return limited_to


def test_the_rate_limit_follows_the_setting(
    client_limited_to: Callable[[str], TestClient], web_store: Store
) -> None:
    client = client_limited_to("2/1m")
    statuses = [client.post(URL, json=CONTACT).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    assert count(web_store) == 2


def test_the_rate_limit_can_be_turned_off(
    client_limited_to: Callable[[str], TestClient], web_store: Store
) -> None:
    client = client_limited_to("off")
    statuses = {client.post(URL, json=CONTACT).status_code for _ in range(12)}
    assert statuses == {201}
    assert count(web_store) == 12
