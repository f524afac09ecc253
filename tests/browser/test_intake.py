"""A visitor fills in the contact form on the operator's site, in a real browser."""

from __future__ import annotations

import json
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from browser.conftest import Site
from privet.intake.models import Submission
from privet.store.open import Store
from privet.subjects.service import find_subject

# What the visitor types, by accessible name (the "*" of a required field is aria-hidden),
# and what privet must store: the same, the address being already normalised.
TYPED = {"Name": "Ann Example", "Email": "ann@example.org", "Message": "Un devis, s'il vous plaît"}
STORED = {"name": "Ann Example", "email": "ann@example.org", "message": TYPED["Message"]}


def type_in(page: Page, fields: dict[str, str]) -> None:
    for label, text in fields.items():
        page.get_by_role("textbox", name=label, exact=True).click()
        page.keyboard.type(text)


def send_after_a_while(page: Page, site: Site) -> None:
    site.clock.advance(timedelta(seconds=5))  # a person's pace, past the 3-second minimum
    page.get_by_role("button", name="Send").click()


def stored_fields(store: Store, email: str) -> list[dict[str, str]]:
    with store.transaction() as session:
        subject = find_subject(session, email)
        if subject is None:
            return []
        query = select(Submission.fields).where(Submission.subject_id == subject.id)
        return [json.loads(fields) for fields in session.scalars(query)]


def test_a_visitor_sends_the_form_and_is_taken_back_to_the_site(page: Page, site: Site) -> None:
    page.goto(site.contact_page)
    type_in(page, TYPED)
    send_after_a_while(page, site)
    expect(page.get_by_role("status")).to_have_text("Thank you: your message was sent.")
    assert page.url == site.contact_page + "?privet=sent"
    assert stored_fields(site.store, "ann@example.org") == [STORED]


def test_with_no_way_back_privet_thanks_the_visitor_itself(page: Page, site: Site) -> None:
    page.goto(site.plain_page)
    type_in(page, TYPED | {"Email": "bob@example.org"})
    send_after_a_while(page, site)
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert page.url == f"{site.privet_url}/api/v1/forms/contact/submissions"
    stored = STORED | {"email": "bob@example.org"}
    assert stored_fields(site.store, "bob@example.org") == [stored]


def test_a_missing_required_field_is_named_on_privets_page(page: Page, site: Site) -> None:
    page.goto(site.contact_page)
    name = page.get_by_role("textbox", name="Name", exact=True)
    name.evaluate("field => field.removeAttribute('required')")  # past the browser's own check
    type_in(page, {"Email": "ann@example.org", "Message": "No name"})
    send_after_a_while(page, site)
    expect(page.get_by_role("heading", name="Please check the form")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text("name: required")
    back = page.get_by_role("link", name="Back to the form")
    expect(back).to_have_attribute("href", site.contact_page)
    with site.store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Submission)) == 0
