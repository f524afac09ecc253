from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from conftest import NOW, make_settings
from marketing.conftest import INQUIRY, NOTICES, NTROPIC
from privet.auditlog.service import recent
from privet.backup.ledger import ErasureLedger
from privet.clients.models import Contract
from privet.clients.service import NewContract, record_contract
from privet.clock import FixedClock
from privet.intake.models import Submission
from privet.intake.service import submit
from privet.marketing.export import mailable
from privet.marketing.models import MarketingConsent, Suppression
from privet.notify.models import OutboxMessage
from privet.policy.schema import Policy
from privet.store.open import Store
from privet.subjects.models import Subject
from privet.web.app import create_app

URL = "/api/v1/forms/inquiry/submissions"


@pytest.fixture
def site(*, web_store: Store, sqlite_url: str, ntropic: Policy, clock: FixedClock,
         tmp_path: Path, ledger: ErasureLedger) -> TestClient:  # fmt: skip
    settings = make_settings(tmp_path, sqlite_url, policy=NTROPIC, operator_email="off",
                             erasure_ledger=ledger.path)  # fmt: skip
    return TestClient(create_app(settings, ntropic, web_store, clock))


def _link(store: Store, path: str) -> str:
    with store.transaction() as session:
        body = session.scalars(select(OutboxMessage.body)).one()
    found = re.search(rf"http://127\.0\.0\.1:8000({path}/[A-Za-z0-9_-]+)", body)
    assert found is not None
    return found.group(1)


def test_the_snippet_offers_an_unticked_box_with_its_wording_and_the_age_gate(
    site: TestClient,
) -> None:
    snippet = site.get("/forms/inquiry").text
    box = re.search(r'<input id="privet-inquiry-marketing"[^>]*>', snippet)
    assert box is not None and "checked" not in box.group(0) and "required" not in box.group(0)
    assert "Yes, send me marketing email (sending you information" in snippet
    assert re.search(r'name="privet_age_confirmed"[^>]*required', snippet)
    assert "I am at least 13 years old" in snippet


def test_an_opt_in_is_confirmed_from_the_emailed_link(site: TestClient, web_store: Store) -> None:
    response = site.post(URL, json=INQUIRY | {"privet_marketing": True})
    assert response.status_code == 201 and response.json()["confirmation_sent"] is True
    link = _link(web_store, "/marketing/confirm")
    page = site.get(link)
    assert "Yes, subscribe me" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "confirmed" in site.post(link).text
    assert site.post(link + "x").status_code == 404


def test_one_click_unsubscribe_as_rfc_8058_sends_it(
    site: TestClient, web_store: Store, ledger: ErasureLedger
) -> None:
    site.post(URL, json=INQUIRY | {"privet_marketing": True})
    confirm = _link(web_store, "/marketing/confirm")
    site.post(confirm)
    with web_store.transaction() as session:
        policy = site.app.state.policy  # type: ignore[attr-defined]
        (row,) = mailable(session, policy, "http://127.0.0.1:8000")
    path = row.unsubscribe_url.removeprefix("http://127.0.0.1:8000")
    assert "Unsubscribe" in site.get(path).text  # a GET (a link scanner) changes nothing
    with web_store.transaction() as session:
        assert session.scalars(select(Suppression)).all() == []
    # What a mail client sends for List-Unsubscribe-Post: List-Unsubscribe=One-Click
    response = site.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "no more marketing email" in response.text
    with web_store.transaction() as session:
        assert len(session.scalars(select(Suppression)).all()) == 1
    # Noted in the app's ledger, so a restore of an older backup cannot undo it.
    assert [entry.reason for entry in ledger.unsubscribes()] == ["unsubscribe"]


def test_a_bad_unsubscribe_link_says_so_and_changes_nothing(site: TestClient) -> None:
    response = site.post("/unsubscribe/bogus")
    assert response.status_code == 404 and "does not work" in response.text


Unsubscribed = Callable[[Policy], str]


@pytest.fixture
def unsubscribed(
    database_url: str, store: Store, clock: FixedClock, tmp_path: Path, ledger: ErasureLedger
) -> Unsubscribed:
    """Under a policy: Ann, a client (her contract is kept 7 years: accounting law), and
    Bob opt in, then each uses their one-click link twice. The page Ann is shown first."""

    def run(policy: Policy) -> str:
        settings = make_settings(tmp_path, database_url, policy=NTROPIC, operator_email="off",
                                 erasure_ledger=ledger.path)  # fmt: skip
        site = TestClient(create_app(settings, policy, store, clock))
        with store.transaction() as session:
            for name in ("ann", "bob"):
                values = INQUIRY | {"email": f"{name}@example.org", "privet_marketing": "yes"}
                submit(session, policy, "inquiry", values, NOW, notices=NOTICES)
            contract = NewContract("ann@example.org", "INV-7", date(2026, 1, 5))
            record_contract(session, policy, contract, NOW)
            paths = {row.email: row.unsubscribe_url.removeprefix("http://127.0.0.1:8000")
                     for row in mailable(session, policy, "http://127.0.0.1:8000")}  # fmt: skip
        one_click = {"List-Unsubscribe": "One-Click"}
        pages = [site.post(paths[email], data=one_click) for email in sorted(paths) * 2]
        assert [page.status_code for page in pages] == [200] * 4
        return pages[0].text

    return run


def test_with_opt_out_scope_everything_one_click_also_erases_the_person(
    unsubscribed: Unsubscribed, store: Store, erasing: Policy, ledger: ErasureLedger
) -> None:
    page = unsubscribed(erasing)
    assert "erased the other data" in page
    with store.transaction() as session:
        assert session.scalars(select(Submission)).all() == []
        assert session.scalars(select(MarketingConsent)).all() == []
        (ann,) = session.scalars(select(Subject)).all()  # Bob's record is gone
        assert ann.email == "ann@example.org" and ann.restricted_at == NOW
        assert [c.reference for c in session.scalars(select(Contract))] == ["INV-7"]
        assert len(session.scalars(select(Suppression)).all()) == 2
        erasures = recent(session, action="erase")
    assert [entry.actor for entry in erasures] == ["privet", "privet"]
    assert len(list(ledger.erasures())) == 2  # once each: a second click changes nothing
    assert len(list(ledger.unsubscribes())) == 2


def test_with_opt_out_scope_marketing_one_click_only_withdraws_the_opt_in(
    unsubscribed: Unsubscribed, store: Store, single_opt_in: Policy, ledger: ErasureLedger
) -> None:
    page = unsubscribed(single_opt_in)
    assert "erased" not in page and "no more marketing email" in page
    with store.transaction() as session:
        assert len(session.scalars(select(Submission)).all()) == 2
        assert len(session.scalars(select(Subject)).all()) == 2
        consents = session.scalars(select(MarketingConsent)).all()
        assert [consent.withdrawn_at for consent in consents] == [NOW, NOW]
        assert recent(session, action="erase") == []
    assert list(ledger.erasures()) == []
