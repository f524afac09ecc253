"""A policy change end to end: a new analytics vendor is published, the people with a
relationship are mailed through a real SMTP server, and the banner asks a visitor again."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from browser.conftest import Site
from browser.test_consent import banner, receipts, wait_for_receipt
from notify.conftest import Relay, relay
from privet.notify.service import deliver_all_due
from privet.transparency import versions
from transparency.editions import edition
from transparency.relationships import client, lead, requester, subscriber

__all__ = ["relay"]  # the loopback SMTP server the notices are delivered through

SUMMARY = "Matomo now measures our audience, beside Google Analytics."


def test_a_new_analytics_vendor_is_mailed_to_the_related_and_asked_again_in_the_banner(
    page: Page, site: Site, relay: Relay
) -> None:
    in_force = site.app.state.policy
    assert in_force.website is not None
    first = edition(website=in_force.website.url)
    assert first.policy == in_force
    with site.store.transaction() as session:
        versions.record_policy_in_force(session, first.policy, first.source, site.clock.now())
    client(site.store, in_force, "ann@example.org")
    subscriber(site.store, "bea@example.org", "en")
    requester(site.store, in_force, "cat@example.org", "en")
    lead(site.store, in_force, "dan@example.org")

    page.goto(site.demo_page())
    page.click("[data-action=accept]")
    page.wait_for_function("window.analyticsRan === true")
    granted = wait_for_receipt(page)

    changed = edition(version=date(2026, 12, 1), vendor="Matomo", change_notice="email",
                      website=in_force.website.url)  # fmt: skip
    with site.store.transaction() as session:
        published = versions.publish(session, changed.policy, changed.source, SUMMARY,
                                     site.clock.now(), base_url=site.privet_url)  # fmt: skip
        assert published.version.notices_queued == 3
    assert deliver_all_due(site.store.sessions, relay.transport(), site.clock).sent == 3
    assert sorted(message["To"] for message in relay.received) == [
        "ann@example.org", "bea@example.org", "cat@example.org",
    ]  # fmt: skip
    for message in relay.received:
        body = message.get_body(preferencelist=("plain",))
        assert body is not None and SUMMARY in body.get_content()

    site.app.state.policy = changed.policy
    site.clock.advance(timedelta(days=8))
    page.goto(site.demo_page())
    expect(banner(page)).to_be_visible()
    page.click("[data-action=choose]")
    expect(banner(page).locator("input[name=analytics]")).not_to_be_checked()
    expect(banner(page).locator("input[name=marketing]")).to_be_checked()  # kept
    assert site.operator.analytics_loads == 1  # not run again before the visitor says yes
    page.click("[data-action=accept]")
    wait_for_receipt(page, granted)
    newest = receipts(site.store)[-1]
    assert (newest.policy_version, newest.granted) == ("2026-12-01", ["analytics", "marketing"])
