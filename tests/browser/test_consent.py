"""A visitor and the banner, in a real browser: what runs, what is stored, what is shown.

Each test asserts on the receipts privet stored, not only on the page.
"""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import unquote

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from browser.conftest import TIMEOUT_MS, Site
from conftest import ROOT
from privet.consent.models import ConsentReceipt
from privet.policy.load import load_policy
from privet.policy.schema import CookieCategory
from privet.store.open import Store

# Screenshots of the banner land here for CI to keep; docs/ shows the English one.
SCREENSHOTS = ROOT / "build" / "screenshots"
GPC_ON = "Object.defineProperty(navigator, 'globalPrivacyControl', {get: () => true})"


def receipts(store: Store) -> list[ConsentReceipt]:
    with store.transaction() as session:
        query = select(ConsentReceipt).order_by(ConsentReceipt.recorded_at, ConsentReceipt.id)
        return list(session.scalars(query))


def banner(page: Page):  # type: ignore[no-untyped-def]  # Playwright's Locator
    return page.locator("#privet-consent section[role=dialog]")


def wait_for_receipt(page: Page, previous: str | None = None) -> str:
    """Wait until the banner keeps a new receipt id in its cookie: privet answered the POST,
    so the receipt is committed. Returns the id."""
    receipt = page.wait_for_function(
        "previous => { const c = document.cookie.split('; ')"
        ".find(c => c.startsWith('privet_consent='));"
        " const r = c && JSON.parse(decodeURIComponent(c.slice(15))).r;"
        " return r && r !== previous && r; }",
        arg=previous,
    )
    return str(receipt.json_value())


def stored_choice(context: BrowserContext) -> dict[str, object]:
    [cookie] = [c for c in context.cookies() if c["name"] == "privet_consent"]
    value: dict[str, object] = json.loads(unquote(cookie["value"]))
    return value


def test_reject_all_keeps_analytics_off_and_files_a_refusal(page: Page, site: Site) -> None:
    page.goto(site.demo_page())
    expect(banner(page)).to_be_visible()
    page.click("[data-action=reject]")
    wait_for_receipt(page)
    expect(banner(page)).to_be_hidden()
    [receipt] = receipts(site.store)
    assert (receipt.granted, receipt.denied, receipt.method) == (
        [],
        ["analytics", "marketing"],
        "banner",
    )
    page.reload()
    page.wait_for_function("window.privet && window.privet.ready")
    expect(banner(page)).to_have_count(0)
    assert site.operator.analytics_loads == 0
    assert page.evaluate("window.analyticsRan") is None


def test_accepting_analytics_runs_its_script_now_and_on_every_visit(page: Page, site: Site) -> None:
    page.goto(site.demo_page())
    page.click("[data-action=choose]")
    page.check("input[name=analytics]")
    page.click("[data-action=save]")
    page.wait_for_function("window.analyticsRan === true")
    wait_for_receipt(page)
    [receipt] = receipts(site.store)
    assert (receipt.granted, receipt.denied) == (["analytics"], ["marketing"])
    assert stored_choice(page.context)["r"] == str(receipt.id)
    page.reload()
    page.wait_for_function("window.analyticsRan === true")
    expect(banner(page)).to_have_count(0)
    assert site.operator.analytics_loads == 2
    assert page.evaluate("privet.consent.get()") == {
        "functional": True, "analytics": True, "marketing": False,
    }  # fmt: skip


def test_withdrawing_in_the_preference_centre_stops_analytics_on_the_next_load(
    page: Page, site: Site
) -> None:
    page.goto(site.demo_page())
    page.click("[data-action=accept]")
    page.wait_for_function("window.analyticsRan === true")
    wait_for_receipt(page)
    site.clock.advance(timedelta(days=1))  # the visitor comes back the next day
    page.goto(f"{site.privet_url}/privacy/preferences?lang=en")
    expect(page.get_by_role("link", name=str(receipts(site.store)[0].id))).to_be_visible()
    page.uncheck("#privet-preferences input[name=analytics]")
    page.click("#privet-preferences [data-action=save]")
    expect(page.locator("#privet-preferences [role=status]")).to_have_text(
        "Your choices are saved."
    )
    page.goto(site.demo_page())
    page.wait_for_function("window.privet && window.privet.ready")
    assert site.operator.analytics_loads == 1  # only the first page, before the withdrawal
    assert "_ga" not in {c["name"] for c in page.context.cookies()}
    first, withdrawal = receipts(site.store)
    assert first.granted == ["analytics", "marketing"]
    assert (withdrawal.method, withdrawal.granted) == ("preferences", ["marketing"])
    assert withdrawal.denied == ["analytics"]


def test_a_global_privacy_control_visit_is_recorded_as_an_opt_out(
    browser: Browser, site: Site
) -> None:
    context = browser.new_context(extra_http_headers={"Sec-GPC": "1"})
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(GPC_ON)
    page = context.new_page()
    page.goto(site.demo_page())
    gpc_receipt = wait_for_receipt(page)
    expect(banner(page)).to_contain_text("Global Privacy Control")
    [receipt] = receipts(site.store)
    assert (receipt.method, receipt.gpc, receipt.denied) == ("gpc", True, ["marketing"])
    site.clock.advance(timedelta(minutes=1))
    page.click("[data-action=accept]")  # analytics is still the visitor's to choose
    page.wait_for_function("window.analyticsRan === true")
    wait_for_receipt(page, gpc_receipt)
    assert receipts(site.store)[-1].denied == ["marketing"]
    context.close()


def test_a_new_optional_category_asks_again_and_keeps_the_old_choice(
    page: Page, site: Site
) -> None:
    page.goto(site.demo_page())
    page.click("[data-action=reject]")
    first = wait_for_receipt(page)
    policy = site.app.state.policy
    video = CookieCategory(description="Embedded videos", purpose="remarketing")
    newer = policy.model_copy(
        update={
            "cookies": {**policy.cookies, "video": video},
            "policy": policy.policy.model_copy(update={"version": "2026-12-01"}),
        }
    )
    site.app.state.policy = newer
    site.clock.advance(timedelta(days=8))
    page.goto(site.demo_page())
    expect(banner(page)).to_be_visible()
    page.click("[data-action=reject]")
    wait_for_receipt(page, first)
    older, newest = receipts(site.store)
    assert older.policy_version == policy.policy.version
    assert (newest.policy_version, newest.denied) == (
        "2026-12-01",
        ["analytics", "marketing", "video"],
    )


def focused_action(page: Page) -> str | None:
    action = "() => document.activeElement.shadowRoot?.activeElement?.dataset?.action"
    return page.evaluate(action)  # type: ignore[no-any-return]  # a string or undefined


def test_the_keyboard_reaches_every_button_and_focus_starts_on_the_banner(
    page: Page, site: Site
) -> None:
    page.goto(site.demo_page())
    expect(banner(page)).to_be_visible()
    focused = "() => document.activeElement.shadowRoot?.activeElement?.id"
    assert page.evaluate(focused) == "privet-title"
    reached = []
    for _ in range(6):
        page.keyboard.press("Tab")
        reached.append(focused_action(page))
    assert {"accept", "reject", "choose"} <= set(reached)
    page.reload()  # focus back on the banner's title, then the same way to "reject all"
    expect(banner(page)).to_be_visible()
    for _ in range(reached.index("reject") + 1):
        page.keyboard.press("Tab")
    assert focused_action(page) == "reject"
    page.keyboard.press("Enter")
    wait_for_receipt(page)
    assert receipts(site.store)[0].denied == ["analytics", "marketing"]


@pytest.mark.parametrize(("example", "lang", "title"), [
    ("ntoprog", "en", "Your choice of cookies"),
    ("ntoprog", "fr", "Votre choix de cookies"),
    ("nt-progress", "ru", "Ваш выбор файлов cookie"),
])  # fmt: skip
def test_the_banner_speaks_the_pages_language(
    page: Page, site: Site, example: str, lang: str, title: str
) -> None:
    site.app.state.policy = load_policy(ROOT / "examples" / example / "policy.yaml")
    page.set_viewport_size({"width": 1000, "height": 700})
    page.goto(site.demo_page(lang))
    expect(banner(page).get_by_role("heading")).to_have_text(title)
    expect(banner(page).locator("[data-action=reject]")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"banner-{lang}.png"
    page.screenshot(path=str(shot), animations="disabled")
    assert shot.read_bytes().startswith(b"\x89PNG")


def test_accept_and_reject_are_equally_prominent(page: Page, site: Site) -> None:
    page.goto(site.demo_page())
    look = (
        "el => { const s = getComputedStyle(el); const r = el.getBoundingClientRect();"
        " return [s.backgroundColor, s.color, s.fontSize, s.fontWeight,"
        " Math.round(r.width), Math.round(r.height)] }"
    )
    accept = banner(page).locator("[data-action=accept]").evaluate(look)
    reject = banner(page).locator("[data-action=reject]").evaluate(look)
    assert accept == reject
