"""privet's own analytics in a real browser: nothing counted until the visitor says yes."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from browser.conftest import Site
from browser.test_consent import SCREENSHOTS
from conftest import NOW, PASSWORD
from privet.admin import service as staff_service
from privet.analytics.models import Pageview
from privet.analytics.rollup import roll_up_due
from privet.store.open import Store


def page_views(store: Store) -> list[Pageview]:
    with store.transaction() as session:
        return list(session.scalars(select(Pageview).order_by(Pageview.viewed_at)))


def counted(page: Page):  # type: ignore[no-untyped-def]  # Playwright's response waiter
    return page.expect_response(lambda r: r.url.endswith("/api/v1/collect"))


def test_a_visitor_who_rejects_is_never_counted(page: Page, site: Site) -> None:
    page.goto(site.demo_page())
    with page.expect_response(lambda r: r.url.endswith("/api/v1/consents")):
        page.click("[data-action=reject]")
    page.goto(site.demo_page("fr"))
    page.wait_for_function("window.privet && window.privet.ready")
    expect(page.locator("#privet-consent section[role=dialog]")).to_have_count(0)
    assert page_views(site.store) == []


def test_accepting_analytics_counts_this_page_and_the_next(page: Page, site: Site) -> None:
    page.goto(site.demo_page())
    with counted(page) as answer:
        page.click("[data-action=accept]")
    assert answer.value.status == 202
    with counted(page) as answer:
        page.goto(site.demo_page("fr"))
    assert answer.value.json()["stored"] is True
    views = page_views(site.store)
    assert [(view.path, view.device) for view in views] == [("/demo.html", "desktop")] * 2
    assert all(view.consent_id is not None and view.visitor for view in views)

    # The officer's view: the hourly roll-up, then the dashboard in the same browser.
    with site.store.transaction() as session:
        roll_up_due(session, site.app.state.policy, site.clock.now())
        staff_service.create_user(session, "carol@example.org", "viewer", PASSWORD, NOW)
    page.goto(f"{site.privet_url}/admin/login")
    page.fill("#email", "carol@example.org")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{site.privet_url}/admin/analytics")
    expect(page.locator("main")).to_contain_text("/demo.html")
    expect(page.locator("svg").first).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "analytics-dashboard.png", full_page=True)
