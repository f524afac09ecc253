"""`privet demo` walked in Chromium: a visitor on the example site, then an officer at /admin.

The app is the one the command serves (`create_demo_app`, on a demo folder), on a loopback
port. The screenshots are the user guide's: they land in docs/images/ at one viewport size.
"""

from __future__ import annotations

import contextlib
import json
import re
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select

from browser.conftest import TIMEOUT_MS, _loopback_socket, _serving
from browser.test_consent import banner, receipts, wait_for_receipt
from conftest import ROOT
from demo.conftest import Demo, demo_folder, running_demo
from privet.admin.service import find_user
from privet.auditlog.models import AuditEntry
from privet.clock import FixedClock
from privet.demo.prepare import ADMIN
from privet.intake.models import Submission
from privet.marketing.export import mailable
from privet.marketing.models import MarketingConsent

IMAGES = ROOT / "docs" / "images"
VIEWPORT = {"width": 1200, "height": 800}
ADA = {"Name": "Ada Example", "Email": "ada@example.org",
       "Inquiry": "A quote for a small website, please."}  # fmt: skip


@contextlib.contextmanager
def served_demo(template: str, sqlite_template: Path, tmp_path: Path, clock: FixedClock
                ) -> Iterator[tuple[str, Demo]]:  # fmt: skip
    listener = _loopback_socket()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    folder = demo_folder(sqlite_template, tmp_path / "demo")
    with running_demo(template, folder, url, clock) as demo, _serving(demo.app, listener):
        yield url, demo


@pytest.fixture
def visitor(browser: Browser) -> Iterator[Page]:
    yield from _window(browser)


@pytest.fixture
def officer(browser: Browser) -> Iterator[Page]:
    yield from _window(browser)  # a browser of its own: none of the visitor's cookies


def _window(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]  # a ViewportSize
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def snapshot(page: Page, name: str, *, whole: bool = False) -> None:
    """The viewport, or the `whole` page where what it shows runs below the fold."""
    page.screenshot(path=str(IMAGES / name), animations="disabled", full_page=whole)


def test_a_visitor_decides_on_cookies_and_the_choice_is_on_record(
    visitor: Page, sqlite_template: Path, tmp_path: Path, clock: FixedClock
) -> None:
    with served_demo("ntoprog", sqlite_template, tmp_path, clock) as (url, demo):
        visitor.goto(f"{url}/")
        expect(banner(visitor)).to_be_visible()
        waiting = visitor.get_by_text("not running: you have not agreed")
        running = visitor.locator("[data-demo-gated=analytics] .on")
        expect(waiting).to_have_count(2)  # analytics and marketing
        expect(running).to_be_hidden()
        snapshot(visitor, "demo-home.png")
        visitor.click("[data-action=choose]")
        visitor.check("input[name=analytics]")
        visitor.click("[data-action=save]")
        wait_for_receipt(visitor)
        [receipt] = receipts(demo.store)
        assert (receipt.granted, receipt.denied) == (["analytics"], ["marketing"])
        expect(running).to_be_visible()  # its stand-in script ran at once
        expect(waiting).to_have_count(2)
        expect(waiting.first).to_be_hidden()
        visitor.get_by_role("button", name="Cookie settings").click()
        expect(banner(visitor)).to_be_visible()  # the footer opens the choice again


def test_a_visitor_then_an_officer_walk_the_demo_end_to_end(
    visitor: Page, officer: Page, sqlite_template: Path, tmp_path: Path, clock: FixedClock
) -> None:
    with served_demo("ntropic", sqlite_template, tmp_path, clock) as (url, demo):
        send_the_inquiry_with_the_box_ticked(visitor, url, demo)
        confirm_the_subscription_then_unsubscribe(visitor, url, demo)
        ask(visitor, url, demo, "A copy of my data", screenshots=True)
        expect(visitor.get_by_role("status")).to_have_text("Answered")
        ask(visitor, url, demo, "Erase my data")
        expect(visitor.get_by_role("status")).to_have_text("Confirmed: we are working on it")
        sign_in(officer, url, demo.password)
        officer.get_by_role("link", name="Requests", exact=True).click()
        expect(officer.get_by_role("row").filter(has_text="an officer")).to_contain_text("erasure")
        snapshot(officer, "officer-requests.png")
        data = download_the_export(officer, tmp_path)
        assert data["records"]["submissions"][0]["fields"]["name"] == "Ada Example"
        carry_out_the_erasure(officer)
        read_the_audit_log(officer, demo)
        officer.get_by_role("link", name="Submissions").click()
        expect(officer.get_by_text("Ada Example")).to_have_count(0)
        with demo.store.transaction() as session:
            for table in (Submission, MarketingConsent):
                assert session.scalar(select(func.count()).select_from(table)) == 0, table


def send_the_inquiry_with_the_box_ticked(page: Page, url: str, demo: Demo) -> None:
    page.goto(f"{url}/")
    expect(page.get_by_role("heading", name="Ntropic Group")).to_be_visible()
    page.get_by_role("link", name="Newsletter").click()
    page.get_by_role("main").get_by_role("link", name="Contact us about our Services").click()
    for label, text in ADA.items():
        page.get_by_role("textbox", name=label, exact=True).fill(text)
    page.get_by_label("I am at least 13 years old").check()
    page.get_by_label(re.compile("Yes, send me marketing email")).check()
    snapshot(page, "demo-form.png", whole=True)
    demo.clock.advance(timedelta(seconds=5))  # a person's pace, past the 3-second minimum
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#demo-sent")).to_contain_text("confirm it with the link")
    with demo.store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 1


def confirm_the_subscription_then_unsubscribe(page: Page, url: str, demo: Demo) -> None:
    page.goto(f"{url}/demo/mailbox")
    mail = page.get_by_role("article", name="Please confirm your subscription")
    mail.locator("a[href*='/marketing/confirm/']").click()
    page.get_by_role("button", name="Yes, subscribe me").click()
    expect(page.get_by_role("status")).to_contain_text("your subscription is confirmed")
    page.goto(f"{url}/demo/mailbox")  # the processor's list, as if in its newsletter
    page.get_by_role("link", name="Unsubscribe ada@example.org").click()
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("status")).to_contain_text("no more marketing email")
    with demo.store.transaction() as session:
        assert list(mailable(session, demo.policy, url)) == []


def ask(page: Page, url: str, demo: Demo, kind: str, *, screenshots: bool = False) -> None:
    """Ask at the portal, then prove the address with the code from the mailbox."""
    demo.clock.advance(timedelta(minutes=1))  # this request's mail is the newest
    page.goto(f"{url}/")
    page.get_by_role("link", name="Your data").click()
    page.get_by_label(kind).check()
    page.get_by_label("Your email address").fill("ada@example.org")
    if screenshots:
        snapshot(page, "demo-request.png")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("We sent a code")).to_be_visible()
    status = page.url
    page.goto(f"{url}/demo/mailbox")
    newest = page.get_by_role("article").first
    expect(newest).to_have_accessible_name("Your code to confirm your privacy request")
    code = re.search(r"Your code: (\d{6})", newest.inner_text())
    assert code is not None
    if screenshots:
        snapshot(page, "demo-mailbox.png")
    page.goto(status)
    page.get_by_label("Code").fill(code.group(1))
    page.get_by_role("button", name="Confirm").click()


def sign_in(page: Page, url: str, password: str) -> None:
    page.goto(f"{url}/admin")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{url}/admin")


def download_the_export(page: Page, tmp_path: Path) -> dict[str, object]:
    """The access request was answered at once; its page shows the link the requester got."""
    page.get_by_role("row").filter(has_text="access").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("access request: done")
    told = page.get_by_text("Your data is ready.").inner_text()
    link = re.search(r"http://\S+", told)
    assert link is not None
    with page.expect_download() as download:  # as if pasted into the address bar
        page.evaluate("link => { window.location.href = link; }", link.group())
    archive = tmp_path / "export.zip"
    download.value.save_as(archive)
    data: dict[str, object] = json.loads(zipfile.ZipFile(archive).read("data.json"))
    return data


def carry_out_the_erasure(page: Page) -> None:
    page.get_by_role("link", name="Requests", exact=True).click()
    page.get_by_role("row").filter(has_text="an officer").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("erasure request: open")
    snapshot(page, "officer-request.png")
    page.get_by_role("button", name="Carry out the erasure now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("erasure request: done")


def read_the_audit_log(page: Page, demo: Demo) -> None:
    page.get_by_role("link", name="Audit log").click()
    for action in ("export", "erase"):
        expect(page.get_by_role("cell", name=action, exact=True)).to_have_count(1)
    snapshot(page, "officer-audit-log.png", whole=True)
    acted = select(AuditEntry.action, AuditEntry.actor).where(
        AuditEntry.action.in_(["export", "erase"])
    )
    with demo.store.transaction() as session:
        actors = {action: actor for action, actor in session.execute(acted)}
        admin = find_user(session, ADMIN)
        assert admin is not None
        # privet answered the access request itself; the officer carried the erasure out.
        assert actors == {"export": "privet", "erase": str(admin.id)}
