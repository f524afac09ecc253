"""/privacy as a visitor reads it in Chromium: in each language, with its contents and
language switcher, and on paper. The screenshots are the ones docs/transparency.md shows."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from browser.conftest import Site
from conftest import ROOT
from privet.policy.load import load_policy

SCREENSHOTS = ROOT / "docs" / "images"


@pytest.mark.parametrize(("example", "lang", "title", "kept"), [
    pytest.param("ntoprog", "en", "Privacy policy", "3 years", id="ntoprog-en"),
    pytest.param("ntoprog", "fr", "Politique de confidentialité", "3 ans", id="ntoprog-fr"),
    pytest.param("nt-progress", "ru", "Политика конфиденциальности", "3 года", id="nt-progress-ru"),
])  # fmt: skip
def test_the_policy_reads_in_each_language(
    page: Page, site: Site, *, example: str, lang: str, title: str, kept: str
) -> None:
    if example != "ntoprog":
        site.app.state.policy = load_policy(ROOT / "examples" / example / "policy.yaml")
    page.set_viewport_size({"width": 1000, "height": 1100})
    page.goto(f"{site.privet_url}/privacy?lang={lang}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    company = "NTOPROG" if example == "ntoprog" else "NT Progress"
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{title} — {company}")
    retention = page.locator("#retention tbody tr").first
    expect(retention.locator("td").nth(1)).to_have_text(kept)
    expect(page.locator("#rights a[href^='mailto:']").first).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"privacy-{lang}.png"
    page.screenshot(path=str(shot), animations="disabled")
    assert shot.read_bytes().startswith(b"\x89PNG")


def test_the_switcher_and_the_contents_lead_where_they_say(page: Page, site: Site) -> None:
    page.goto(f"{site.privet_url}/privacy")  # the browser asks for English (en-US)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("link", name="Français")).to_have_attribute("aria-current", "page")
    page.get_by_role("navigation", name="Sommaire").get_by_role("link", name="Cookies").click()
    expect(page.locator("#cookies h2")).to_be_in_viewport()
    expect(page.locator("#cookies code", has_text="_ga_*")).to_be_visible()


def test_on_paper_only_the_policy_is_printed(page: Page, site: Site) -> None:
    page.goto(f"{site.privet_url}/privacy?lang=en")
    page.emulate_media(media="print")
    expect(page.locator(".policy-languages")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Contents")).to_be_hidden()
    expect(page.locator("body > header")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("#company")).to_contain_text("privacy@ntoprog.org")
