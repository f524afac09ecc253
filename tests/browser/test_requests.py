"""A visitor asks for a copy of their data, proves the address, and downloads it."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from playwright.sync_api import Page, expect

from browser.conftest import Site
from conftest import NOW, ROOT
from notify.conftest import Relay, relay
from privet.intake.notices import Notices
from privet.intake.service import submit
from privet.notify.service import deliver_all_due

__all__ = ["relay"]  # the loopback SMTP server the code is mailed through

SCREENSHOTS = ROOT / "build" / "screenshots"


def mailed_code(site: Site, relay: Relay) -> str:
    deliver_all_due(site.store.sessions, relay.transport(), site.clock)
    body = relay.received[-1].get_body(preferencelist=("plain",))
    assert body is not None
    code = re.search(r"code: (\d{6})", body.get_content())
    assert code is not None
    return code.group(1)


def test_a_visitor_asks_for_a_copy_proves_the_address_and_downloads_it(
    page: Page, site: Site, relay: Relay, tmp_path: Path
) -> None:
    with site.store.transaction() as session:
        values = {"name": "Ann Example", "email": "ann@example.org", "message": "A quote"}
        submit(session, site.app.state.policy, "contact", values, NOW,
               notices=Notices(base_url=site.privet_url, operator=None))  # fmt: skip
    page.goto(f"{site.privet_url}/privacy/requests?lang=en")
    page.get_by_label("A copy of my data").check()
    page.get_by_label("Your email address").fill("ann@example.org")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("We sent a code")).to_be_visible()
    page.get_by_label("Code").fill(mailed_code(site, relay))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status")).to_have_text("Answered")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "request-answered-en.png"), animations="disabled")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"exports")).click()
    archive = tmp_path / "my-data.zip"
    download.value.save_as(archive)
    data = json.loads(zipfile.ZipFile(archive).read("data.json"))
    assert data["records"]["submissions"][0]["fields"]["message"] == "A quote"
