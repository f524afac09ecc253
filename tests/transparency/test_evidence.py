"""The live evidence page: each promise beside its figure, counted by the database on both
SQLite and PostgreSQL, cached per interval, and never a word about any one person."""

from __future__ import annotations

import html
import json
import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from conftest import NOW, ROOT, make_settings
from privet.clock import FixedClock
from privet.consent.service import Decision, record_decision
from privet.intake.service import submit
from privet.policy.durations import Duration
from privet.policy.load import load_policy
from privet.policy.schema import Policy, Processor
from privet.retention.models import SweepRun
from privet.retention.sweep import sweep
from privet.rights.models import DataRequest
from privet.store.open import Store
from privet.transparency.evidence import (
    Evidence,
    FindingCount,
    audit_evidence,
    consent_evidence,
    gather_evidence,
    retention_evidence,
    rights_evidence,
    sharing_evidence,
)
from privet.transparency.evidence_page import EvidenceCache
from privet.web.app import create_app
from retention.conftest import QUIET, T0, Plant

NAME, EMAIL = "Zebulon Quuxley", "zebulon.quuxley@example.org"
THIS_YEAR = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LAST_YEAR = datetime(2025, 10, 1, 9, 0, tzinfo=UTC)


def plant_request(
    store: Store, verified: datetime | None, answered_in_days: float | None = None,
    status: str = "done",
) -> None:  # fmt: skip
    """A request proven at `verified` (None: never proven), answered that many days later."""
    closed = None
    if verified is not None and answered_in_days is not None:
        closed = verified + timedelta(days=answered_in_days)
    with store.transaction() as session:
        session.add(DataRequest(
            kind="access", email=EMAIL, email_index=uuid.uuid4().hex, language="en",
            status=status if closed else ("open" if verified else "unverified"),
            received_at=verified or THIS_YEAR, verified_at=verified,
            due_at=verified + timedelta(days=30) if verified else None, closed_at=closed,
            token_hash=uuid.uuid4().hex,
        ))  # fmt: skip


def plant_requests(store: Store) -> None:
    for days in (10, 20, 40):  # two on time, one late
        plant_request(store, THIS_YEAR, days)
    plant_request(store, THIS_YEAR, 4, status="refused")  # refusing in time is answering
    plant_request(store, NOW - timedelta(days=5))  # open, still within its deadline
    plant_request(store, None)  # never proven: nobody's request
    plant_request(store, LAST_YEAR, 1)
    plant_request(store, LAST_YEAR)  # open since last year: overdue now


def plant_consents(store: Store, policy: Policy) -> None:
    both = ["analytics", "marketing"]
    choices = [(["analytics"], [], False), (both, [], False), ([], both, False),
               (["analytics"], ["marketing"], True)]  # fmt: skip
    with store.transaction() as session:
        for granted, denied, gpc in choices:
            decision = Decision(uuid.uuid4(), policy.policy.version, "gpc" if gpc else "banner",
                                granted, denied, gpc, "en")  # fmt: skip
            record_decision(session, policy, decision, NOW - timedelta(days=2), privacy_url="/p")
        old = Decision(uuid.uuid4(), policy.policy.version, "banner", both, [], False, "en")
        record_decision(session, policy, old, NOW - timedelta(days=31), privacy_url="/p")


def plant_everything(store: Store, policy: Policy, clock: FixedClock) -> None:
    """Requests, a sweep that deleted old records, receipts, and a person still stored."""
    plant = Plant(store, policy)
    plant.lead("old.lead@example.org", T0)
    plant.receipts(2, T0)
    sweep(store, policy, clock)
    plant_requests(store)
    plant_consents(store, policy)
    fields = {"name": NAME, "email": EMAIL, "message": "A quote, please"}
    with store.transaction() as session:
        submit(session, policy, "contact", fields, NOW, notices=QUIET)


def test_it_counts_this_years_requests_answered_on_time_late_and_open(
    store: Store, policy: Policy
) -> None:
    plant_requests(store)
    with store.transaction() as session:
        rights = rights_evidence(session, policy, NOW)
    assert (rights.year, rights.deadline) == (2026, Duration(30, "days"))
    assert (rights.received, rights.answered, rights.on_time, rights.late) == (5, 4, 3, 1)
    assert (rights.still_open, rights.overdue_now) == (1, 1)
    assert rights.median_days_to_answer == 15.0  # the middle two of 4, 10, 20, 40 days


def test_the_median_of_an_odd_count_is_the_middle_answer(store: Store, policy: Policy) -> None:
    for days in (2.5, 9, 1):
        plant_request(store, THIS_YEAR, days)
    with store.transaction() as session:
        assert rights_evidence(session, policy, NOW).median_days_to_answer == 2.5


def test_it_shows_what_the_last_completed_sweep_did_under_each_rule(
    store: Store, policy: Policy, clock: FixedClock
) -> None:
    with store.transaction() as session:
        before = retention_evidence(session, policy)
    assert before.last_sweep_completed_at is None
    assert {rule.deleted for rule in before.rules} == {None}  # no sweep yet, not "0"
    plant = Plant(store, policy)
    plant.lead("old.lead@example.org", T0)
    plant.receipts(2, T0)
    sweep(store, policy, clock)
    with store.transaction() as session:
        after = retention_evidence(session, policy)
    done = {rule.rule: (rule.deleted, rule.anonymised, rule.held) for rule in after.rules}
    assert done == {"leads": (1, 0, 0), "contracts": (0, 0, 0), "browsing_logs": (0, 0, 0),
                    "consent_logs": (2, 0, 0)}  # fmt: skip
    assert (after.last_sweep_completed_at, after.last_sweep_failed_at) == (NOW, None)


def test_a_sweep_that_failed_since_the_last_completed_one_is_said(
    store: Store, policy: Policy, clock: FixedClock
) -> None:
    sweep(store, policy, clock)
    failed_at = NOW + timedelta(days=1)
    with store.transaction() as session:
        session.add(SweepRun(started_at=failed_at, owner="h:1", as_of=failed_at, status="failed",
                             error="MemoryError", finished_at=failed_at))  # fmt: skip
    with store.transaction() as session:
        retention = retention_evidence(session, policy)
    assert (retention.last_sweep_completed_at, retention.last_sweep_failed_at) == (NOW, failed_at)


def test_consent_shares_count_each_optional_category_over_the_last_30_days(
    store: Store, policy: Policy
) -> None:
    plant_consents(store, policy)
    with store.transaction() as session:
        consent = consent_evidence(session, policy, NOW)
    assert (consent.decisions, consent.gpc_decisions) == (4, 1)
    shares = {share.category: (share.granted, share.share) for share in consent.categories}
    assert shares == {"analytics": (3, 0.75), "marketing": (1, 0.25)}
    assert consent.gpc_refuses == ("marketing",)


def test_the_audit_is_published_as_kinds_and_counts(store: Store, policy: Policy) -> None:
    plant_request(store, LAST_YEAR)  # overdue
    mailer = Processor(name="Mailer", service="Email", location="US")
    breached = policy.model_copy(update={"processors": policy.processors | {"mailer": mailer}})
    with store.transaction() as session:
        audit = audit_evidence(session, breached, NOW)
    assert audit.findings == (FindingCount("requests", 1), FindingCount("processors", 1))
    assert audit.checked_at == NOW


def test_processors_are_listed_with_their_region_and_safeguard(policy: Policy) -> None:
    sharing = sharing_evidence(policy)
    assert (sharing.storage_region, sharing.strict, sharing.sold) == (("CD",), False, False)
    google = next(p for p in sharing.processors if p.processor == "google_analytics")
    assert (google.location, google.in_region, google.safeguard) == (
        "US", False, "standard_contractual_clauses",
    )  # fmt: skip
    assert all(p.in_region for p in sharing.processors if p is not google)


def plain(page: str) -> str:
    """The text a reader sees: no tags, entities read, Babel's no-break spaces as spaces."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def row(page: str, row_id: str) -> str:
    found = re.search(rf'<tr id="{re.escape(row_id)}".*?</tr>', page, re.S)
    assert found is not None, row_id
    return plain(found.group(0))


def test_the_page_shows_each_promise_beside_its_figure_in_english_and_french(
    client: TestClient, web_store: Store, policy: Policy, clock: FixedClock
) -> None:
    plant_everything(web_store, policy, clock)
    page = client.get("/privacy/evidence?lang=en")
    assert page.status_code == 200 and '<html lang="en">' in page.text
    english = plain(page.text)
    assert "within 30 days of confirming" in english
    assert "Requests received in 2026 5" in row(page.text, "rights-received")
    assert "15 days (promised: 30 days)" in row(page.text, "rights-median")
    assert "3 years after the last contact, then deleted 1 0 0" in row(page.text, "rule-leads")
    assert "then deleted 2 0 0" in row(page.text, "rule-consent_logs")
    assert "75%" in row(page.text, "category-analytics")
    assert "“Reject all” beside “Accept all”" in english
    assert "United States outside" in row(page.text, "processor-google_analytics")
    assert "standard contractual clauses" in english and "never sold" in english
    assert "requests past their deadline 1" in row(page.text, "finding-requests")
    page = client.get("/privacy/evidence", headers={"accept-language": "fr-FR,fr;q=0.9"})
    french = plain(page.text)
    assert '<html lang="fr">' in page.text and "dans un délai de 30 jours" in french
    assert "15 jours (promis : 30 jours)" in row(page.text, "rights-median")
    assert "3 ans après le dernier contact, puis suppression" in row(page.text, "rule-leads")
    assert "75 %" in row(page.text, "category-analytics")
    assert "« Tout refuser » à côté de « Tout accepter »" in french
    assert "États-Unis" in french and "jamais vendues" in french


def test_the_json_gives_the_same_figures_for_machines(
    client: TestClient, web_store: Store, policy: Policy, clock: FixedClock
) -> None:
    plant_everything(web_store, policy, clock)
    figures = client.get("/privacy/evidence.json").json()
    assert figures["as_of"].startswith("2026-11-23T12:00:00") and figures["policy_version"]
    assert figures["rights"]["deadline"] == {"count": 30, "unit": "days"}
    assert (figures["rights"]["received"], figures["rights"]["median_days_to_answer"]) == (5, 15.0)
    leads = next(rule for rule in figures["retention"]["rules"] if rule["rule"] == "leads")
    assert (leads["after"], leads["deleted"], leads["anonymised"]) == ("last_contact", 1, 0)
    assert figures["consent"]["categories"][0] == {"category": "analytics", "granted": 3,
                                                   "share": 0.75}  # fmt: skip
    assert figures["sharing"]["processors"][1]["in_region"] is False
    assert figures["audit"]["findings"] == [{"check": "requests", "count": 1}]


def test_backups_promised_but_not_scheduled_are_a_published_finding(
    web_store: Store, sqlite_url: str, policy: Policy, clock: FixedClock, tmp_path: Path
) -> None:
    assert policy.security.encrypted_backups
    settings = make_settings(tmp_path, sqlite_url, backup_dir="off")
    client = TestClient(create_app(settings, policy, web_store, clock))
    findings = client.get("/privacy/evidence.json").json()["audit"]["findings"]
    assert findings == [{"check": "backups", "count": 1}]
    assert "encrypted backups not scheduled" in client.get("/privacy/evidence?lang=en").text


def test_neither_the_page_nor_the_json_holds_personal_data(
    client: TestClient, web_store: Store, policy: Policy, clock: FixedClock
) -> None:
    plant_everything(web_store, policy, clock)
    bodies = [client.get(f"/privacy/evidence?lang={lang}").text for lang in ("en", "fr")]
    bodies.append(client.get("/privacy/evidence.json").text)
    for body in bodies:
        for personal in (NAME, EMAIL, "Zebulon", "old.lead@example.org"):
            assert personal.lower() not in body.lower()


def test_the_figures_are_computed_once_per_interval(
    client: TestClient, web_store: Store, clock: FixedClock
) -> None:
    first = client.get("/privacy/evidence.json").json()
    assert first["audit"]["findings"] == []
    plant_request(web_store, LAST_YEAR)  # a new finding: an overdue request
    clock.advance(timedelta(minutes=4, seconds=59))
    cached = client.get("/privacy/evidence.json").json()
    assert cached == first  # still as of the first view, though the clock moved
    assert "No finding" in client.get("/privacy/evidence?lang=en").text  # the page shares it
    clock.advance(timedelta(seconds=1))
    fresh = client.get("/privacy/evidence.json").json()
    assert fresh["as_of"] != first["as_of"]
    assert fresh["audit"]["findings"] == [{"check": "requests", "count": 1}]


def test_a_flood_of_first_views_runs_one_computation(web_store: Store, policy: Policy) -> None:
    cache, computed, ready = EvidenceCache(timedelta(minutes=5)), [], threading.Barrier(8)

    def compute() -> Evidence:
        computed.append(1)
        with web_store.transaction() as session:
            return gather_evidence(session, policy, NOW)

    def view() -> Evidence:
        ready.wait()
        return cache.get(policy, NOW, compute)

    with ThreadPoolExecutor(8) as pool:
        seen = list(pool.map(lambda _: view(), range(8)))
    assert len(computed) == 1 and all(evidence is seen[0] for evidence in seen)


def test_a_russian_policy_reads_in_russian_before_any_figure_exists(client: TestClient) -> None:
    nt_progress = load_policy(ROOT / "examples" / "nt-progress" / "policy.yaml")
    client.app.state.policy = nt_progress  # type: ignore[attr-defined]  # privet's FastAPI app
    page = client.get("/privacy/evidence?lang=de").text  # not a policy language: its first
    assert '<html lang="ru">' in page and "в течение 10 дней" in plain(page)
    assert "Запросов получено в 2026 году" in plain(page)
    assert "Ни один проход ещё не завершён" in page and "Россия; они его не покидают" in page
    assert "—" in row(page, "category-analytics")  # no choice made yet: no share, not 0 %
    figures = json.loads(client.get("/privacy/evidence.json").text)
    assert figures["consent"]["categories"] == [
        {"category": "analytics", "granted": 0, "share": None}
    ]
