"""Links to other sites, in a real browser: what the other site is sent when a visitor follows one.

The other site is never reached: Playwright answers for it, and records what was asked.
"""

from __future__ import annotations

from playwright.sync_api import Page, Request, Route, expect

from browser.conftest import Site

ELSEWHERE = "https://elsewhere.example/**"


def follow(page: Page, link: str) -> Request:
    """Click a link out of the page and return the request the other site would get."""

    def answer(route: Route) -> None:
        route.fulfill(content_type="text/html", body="<p>Elsewhere</p>")

    page.route(ELSEWHERE, answer)
    with page.expect_request(ELSEWHERE) as followed:
        page.click(link)
    return followed.value


def promise_no_identifiers(site: Site) -> None:
    """What NT Progress promises: no identifiers out, its session id included, no Referer."""
    policy = site.app.state.policy
    website = policy.website.model_copy(
        update={
            "strip_outbound_identifiers": True,
            "link_identifiers": ["sid"],
            "referrer_policy": "no-referrer",
        }
    )
    site.app.state.policy = policy.model_copy(update={"website": website})


def test_it_strips_identifiers_from_links_out_and_sends_no_referrer(page: Page, site: Site) -> None:
    promise_no_identifiers(site)
    page.goto(f"{site.operator.url}/links.html?sid=s3cret")
    meta = page.locator("meta[name=referrer]")
    assert meta.get_attribute("content") == "no-referrer"
    request = follow(page, "#out")
    assert request.url == "https://elsewhere.example/page?id=7"
    assert "referer" not in request.all_headers()
    expect(page).to_have_url("https://elsewhere.example/page?id=7#frag")


def test_it_strips_a_declared_session_id_and_keeps_other_parameters_as_written(
    page: Page, site: Site
) -> None:
    promise_no_identifiers(site)
    page.goto(f"{site.operator.url}/links.html")
    assert follow(page, "#session").url == "https://elsewhere.example/page?q=a%20b+c"


def test_it_leaves_links_to_its_own_site_alone(page: Page, site: Site) -> None:
    promise_no_identifiers(site)
    page.goto(f"{site.operator.url}/links.html")
    page.click("#home")
    page.wait_for_url("**/links.html?utm_source=x&id=7")


def test_without_the_promise_links_keep_their_parameters_but_the_path_stays_home(
    page: Page, site: Site
) -> None:
    page.goto(f"{site.operator.url}/links.html")
    assert page.locator("meta[name=referrer]").get_attribute("content") == "strict-origin"
    request = follow(page, "#out")
    assert request.url == "https://elsewhere.example/page?utm_source=x&id=7&gclid=abc"
    assert request.all_headers()["referer"] == site.operator.url + "/"
