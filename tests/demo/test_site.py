"""The example site: made from the policy, privet's forms in it, privet.js on every page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from demo.conftest import FORMS, Demo
from privet.intake.models import Submission
from privet.web.app import create_app

FOOTER = ('href="/privacy?lang=en"', 'href="/privacy/preferences?lang=en"',
          'href="/privacy/requests?lang=en"')  # fmt: skip


def site_pages(template: str) -> list[str]:
    return ["/?lang=en", *(f"/demo/forms/{form}?lang=en" for form in FORMS[template])]


def test_it_serves_a_page_for_each_declared_form_with_privets_form_in_it(
    demo: Demo, visitor: TestClient, template: str
) -> None:
    assert list(demo.policy.forms) == FORMS[template]
    for form in FORMS[template]:
        page = visitor.get(f"/demo/forms/{form}?lang=en")
        assert page.status_code == 200
        assert f'action="http://testserver/api/v1/forms/{form}/submissions"' in page.text
        back = f"http://testserver/demo/forms/{form}?lang=en"
        assert f'<input type="hidden" name="privet_return" value="{back}"></form>' in page.text


def test_every_page_loads_privet_js_first_and_links_the_privacy_pages(
    visitor: TestClient, template: str
) -> None:
    for path in site_pages(template):
        page = visitor.get(path).text
        head = page.split("</head>")[0]
        assert re.findall(r"<script[^>]*>", head)[0] == '<script src="/privet.js">', path
        assert all(link in page for link in FOOTER), path
        assert 'href="/demo/mailbox"' in page, path


def test_a_newsletter_is_offered_only_where_a_form_has_the_opt_in_box(
    visitor: TestClient, template: str
) -> None:
    offered = template == "ntropic"  # the only example with `marketing_opt_in: true`
    assert ('href="/demo/newsletter?lang=en"' in visitor.get("/?lang=en").text) is offered
    newsletter = visitor.get("/demo/newsletter?lang=en")
    assert newsletter.status_code == (200 if offered else 404)
    if offered:
        assert 'href="/demo/forms/inquiry?lang=en"' in newsletter.text
    else:
        assert "declares no marketing email" in newsletter.text


@pytest.mark.parametrize("template", ["ntoprog"])
def test_each_category_that_needs_consent_has_a_script_waiting_for_it(
    visitor: TestClient,
) -> None:
    page = visitor.get("/?lang=en").text
    waiting = re.findall(r'<script type="text/plain" data-privet-category="(\w+)"', page)
    assert waiting == ["analytics", "marketing"]
    assert 'id="cookie-settings"' in page


@pytest.mark.parametrize("template", ["ntropic"])
def test_a_policy_asking_no_consent_says_why_there_is_no_banner(visitor: TestClient) -> None:
    page = visitor.get("/?lang=en").text
    assert 'type="text/plain"' not in page and 'id="cookie-settings"' not in page
    assert "shows no cookie banner" in page


@pytest.mark.parametrize("template", ["ntoprog"])
def test_the_site_speaks_the_language_asked_or_the_browsers(visitor: TestClient) -> None:
    french = visitor.get("/?lang=fr").text
    assert '<html lang="fr">' in french and "Ceci est un site de démonstration" in french
    english = visitor.get("/", headers={"accept-language": "en-GB,en;q=0.8"}).text
    assert "This is a demo site of NTOPROG&#39;s policy run by privet." in english


@pytest.mark.parametrize("template", ["ntropic"])
def test_a_form_sent_from_its_page_comes_back_to_it_with_thanks(
    demo: Demo, visitor: TestClient
) -> None:
    page = visitor.get("/demo/forms/inquiry?lang=en").text
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page))
    demo.clock.advance(timedelta(seconds=5))  # past the form's minimum fill time
    values = {"name": "Ada Example", "email": "ada@example.org", "inquiry": "A website",
              "privet_age_confirmed": "true", "privet_marketing": "true"}  # fmt: skip
    sent = visitor.post("/api/v1/forms/inquiry/submissions", data=hidden | values,
                        follow_redirects=False)  # fmt: skip
    assert sent.headers["location"] == "http://testserver/demo/forms/inquiry?lang=en&privet=sent"
    thanks = visitor.get(sent.headers["location"]).text
    assert "Thank you: we received what you sent." in thanks
    assert "confirm it with the link we have just sent you" in thanks  # double opt-in
    with demo.store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 1


@pytest.mark.parametrize("template", ["ntoprog"])
def test_without_an_opt_in_box_the_thanks_ask_nothing_more(visitor: TestClient) -> None:
    thanks = visitor.get("/demo/forms/contact?lang=en&privet=sent").text
    assert "Thank you: we received what you sent." in thanks
    assert "confirm it" not in thanks


def test_an_undeclared_form_has_no_page(visitor: TestClient) -> None:
    missing = visitor.get("/demo/forms/newsletter?lang=en")
    assert missing.status_code == 404 and "There is no such page on this site." in missing.text


def test_privets_own_pages_stay_where_they_are(visitor: TestClient) -> None:
    for path in ("/privacy", "/privacy/requests", "/privacy/preferences", "/privet.js",
                 "/healthz", "/admin/login"):  # fmt: skip
        assert visitor.get(path).status_code == 200, path


def test_privet_serve_has_neither_the_site_nor_the_mailbox(demo: Demo) -> None:
    served = TestClient(create_app(demo.settings, demo.policy, demo.store, demo.clock))
    for path in ("/", "/demo/forms/contact", "/demo/mailbox", "/demo/static/site.css"):
        assert served.get(path).status_code == 404, path
