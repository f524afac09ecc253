"""/privacy and /privacy.md over HTTP: the reader's language, the page around the text, and
links that lead to privet's own pages."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from conftest import ROOT
from privet.policy.load import load_policy


def test_it_shows_the_policy_in_its_first_language_by_default(client: TestClient) -> None:
    page = client.get("/privacy")
    assert page.status_code == 200
    assert '<html lang="fr">' in page.text
    assert "<h1>Politique de confidentialité — NTOPROG</h1>" in page.text
    assert '<a href="#retention">Combien de temps nous conservons vos données</a>' in page.text
    assert '<a href="/privacy?lang=fr" hreflang="fr" lang="fr" aria-current="page">' in page.text
    assert '<a href="/privacy?lang=en" hreflang="en" lang="en">English</a>' in page.text
    assert page.headers["vary"] == "Accept-Language"
    assert "default-src 'self'" in page.headers["content-security-policy"]


@pytest.mark.parametrize(("asked", "accepted", "shown"), [
    ("en", "fr", "en"),
    (None, "en-GB,en;q=0.9,fr;q=0.8", "en"),
    (None, "de,en;q=0.1,fr;q=0.05", "en"),
    (None, "de, ru;q=0.5", "fr"),
    ("xx", "garbage;q=abc,,;", "fr"),
])  # fmt: skip
def test_it_speaks_the_language_asked_else_the_browsers(
    client: TestClient, asked: str | None, accepted: str, shown: str
) -> None:
    query = {"lang": asked} if asked else {}
    page = client.get("/privacy", params=query, headers={"accept-language": accepted})
    assert page.status_code == 200
    assert f'<html lang="{shown}">' in page.text


def test_an_overlong_language_is_a_422_naming_it(client: TestClient) -> None:
    page = client.get("/privacy", params={"lang": "x" * 100})
    assert page.status_code == 422
    assert "lang" in page.text


def test_the_markdown_is_the_same_text(client: TestClient) -> None:
    answer = client.get("/privacy.md", params={"lang": "en"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/markdown; charset=utf-8"
    assert answer.text.startswith("# Privacy policy — NTOPROG\n")
    assert "| Contact data you give us through our forms | 3\u00a0years |" in answer.text


def test_its_links_lead_to_privets_own_pages(client: TestClient) -> None:
    page = client.get("/privacy", params={"lang": "en"}).text
    links = set(re.findall(r'href="(/[^"#]*)"', page))
    assert {"/privacy.css", "/privacy/requests?lang=en", "/privacy/changes?lang=en"} <= links
    for link in links:
        assert client.get(link).status_code == 200, link


def test_a_new_policy_object_is_rendered_afresh(client: TestClient) -> None:
    assert "NTOPROG" in client.get("/privacy.md").text
    client.app.state.policy = load_policy(ROOT / "examples" / "nt-progress" / "policy.yaml")  # type: ignore[attr-defined]  # privet's FastAPI app
    page = client.get("/privacy")
    assert '<html lang="ru">' in page.text and "NT Progress" in page.text
    assert "NTOPROG" not in page.text
