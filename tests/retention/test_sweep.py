"""The seed's retention table, kept: each rule at its boundary, on both databases."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from conftest import NOW
from privet.analytics.models import Pageview
from privet.clients.models import Contract
from privet.clock import FixedClock
from privet.consent.models import ConsentReceipt
from privet.intake.models import Submission
from privet.policy.durations import Duration
from privet.policy.schema import Policy
from privet.retention.holds import Target, lift_hold, place_hold
from privet.retention.models import SweepRun
from privet.retention.sweep import SweepReport, sweep
from privet.store.open import Store
from privet.subjects.models import Subject
from privet.subjects.service import find_subject
from retention.conftest import T0, Plant

YEARS_3 = Duration(3, "years")


def outcome(report: SweepReport, rule: str, records: str) -> tuple[int, int, int, int]:
    found = next(o for o in report.outcomes if (o.rule, o.records) == (rule, records))
    return found.due, found.deleted, found.anonymised, found.held


def emails_left(store: Store) -> set[str]:
    with store.transaction() as session:
        return {subject.email for subject in session.scalars(select(Subject))}


def test_a_lead_contacted_again_survives_three_years_one_never_contacted_does_not(
    store: Store, policy: Policy, plant: Plant, clock: FixedClock
) -> None:
    plant.lead("quiet@example.org", T0)
    plant.lead("again@example.org", T0)
    plant.lead("again@example.org", Duration(35, "months").after(T0))  # 2 years 11 months

    at_the_mark = sweep(store, policy, clock, as_of=YEARS_3.after(T0))
    assert outcome(at_the_mark, "leads", "submissions") == (0, 0, 0, 0)

    day_after = sweep(store, policy, clock, as_of=YEARS_3.after(T0) + timedelta(days=1))
    assert outcome(day_after, "leads", "submissions") == (1, 1, 0, 0)
    assert outcome(day_after, "privet.people", "subjects")[1] == 1
    assert emails_left(store) == {"again@example.org"}
    assert plant.count(Submission) == 2


def test_contract_data_lives_until_ten_years_after_the_contract_ends(
    store: Store, policy: Policy, plant: Plant, clock: FixedClock
) -> None:
    plant.contract("client@example.org", T0, ends_on=date(2016, 6, 30))
    plant.contract("running@example.org", T0, ends_on=None)
    end = datetime(2016, 6, 30, tzinfo=T0.tzinfo)

    sweep(store, policy, clock, as_of=Duration(10, "years").after(end))
    assert plant.count(Contract) == 2
    report = sweep(store, policy, clock, as_of=Duration(10, "years").after(end) + timedelta(days=1))
    assert outcome(report, "contracts", "contracts") == (1, 1, 0, 0)
    # The client's address went with their last record; a running contract is never due.
    assert emails_left(store) == {"running@example.org"}


def test_consent_receipts_are_kept_five_years(
    store: Store, policy: Policy, plant: Plant, clock: FixedClock
) -> None:
    for day in range(3):
        plant.receipt(T0 + timedelta(days=day))
    plant.receipt(Duration(2, "months").after(T0))
    sweep(store, policy, clock, as_of=T0 + timedelta(days=1))  # files them by month

    report = sweep(store, policy, clock, as_of=Duration(5, "years").after(T0 + timedelta(days=2)))
    assert outcome(report, "consent_logs", "consent_receipts") == (2, 2, 0, 0)
    later = Duration(5, "years").after(Duration(3, "months").after(T0))
    report = sweep(store, policy, clock, as_of=later)
    assert outcome(report, "consent_logs", "consent_receipts") == (2, 2, 0, 0)
    assert plant.count(ConsentReceipt) == 0


def test_page_views_lose_their_visitor_after_thirteen_months(
    store: Store, policy: Policy, plant: Plant, clock: FixedClock
) -> None:
    """NTOPROG: "Browsing logs | 13 months maximum", then only what is not personal."""
    plant.pageview(T0)
    plant.pageview(Duration(2, "months").after(T0))
    report = sweep(store, policy, clock, as_of=Duration(13, "months").after(T0) + timedelta(days=1))
    assert outcome(report, "browsing_logs", "pageviews") == (1, 0, 1, 0)
    with store.transaction() as session:
        rows = sorted(session.scalars(select(Pageview)), key=lambda p: p.viewed_at)
    assert [(row.visitor is None, row.path, row.country) for row in rows] == [
        (True, "/", "CD"),
        (False, "/", "CD"),
    ]


def test_a_held_person_survives_until_the_hold_is_lifted(
    store: Store, policy: Policy, plant: Plant, clock: FixedClock
) -> None:
    plant.lead("held@example.org", T0)
    plant.lead("free@example.org", T0)
    with store.transaction() as session:
        hold = place_hold(session, policy, Target(email="held@example.org"),
                          reason="complaint", now=T0, staff_id=None)  # fmt: skip
    expired = YEARS_3.after(T0) + timedelta(days=1)

    report = sweep(store, policy, clock, as_of=expired)
    assert outcome(report, "leads", "submissions") == (2, 1, 0, 1)
    assert emails_left(store) == {"held@example.org"}

    with store.transaction() as session:
        lift_hold(session, hold.id, now=expired, staff_id=None)
    sweep(store, policy, clock, as_of=expired)
    assert emails_left(store) == set()


def test_a_category_hold_keeps_every_record_of_it(
    store: Store, policy: Policy, plant: Plant, clock: FixedClock
) -> None:
    plant.lead("one@example.org", T0)
    with store.transaction() as session:
        place_hold(session, policy, Target(category="contact"), reason="prospect of litigation",
                   now=T0, staff_id=None)  # fmt: skip
    report = sweep(store, policy, clock, as_of=NOW)
    assert outcome(report, "leads", "submissions") == (1, 0, 0, 1)
    assert plant.count(Submission) == 1


def test_a_dry_run_counts_and_changes_nothing(
    store: Store, policy: Policy, plant: Plant, clock: FixedClock
) -> None:
    plant.lead("quiet@example.org", T0)
    plant.receipt(T0)
    report = sweep(store, policy, clock, as_of=NOW, dry_run=True)
    assert outcome(report, "leads", "submissions")[0] == 1
    assert outcome(report, "consent_logs", "consent_receipts")[0] == 1
    assert (plant.count(Submission), plant.count(ConsentReceipt)) == (1, 1)
    with store.transaction() as session:
        assert find_subject(session, "quiet@example.org") is not None
        assert session.scalars(select(SweepRun)).first() is None  # not recorded as a sweep


def test_a_sweep_is_recorded_with_what_it_did(
    store: Store, policy: Policy, plant: Plant, clock: FixedClock
) -> None:
    plant.lead("quiet@example.org", T0)
    sweep(store, policy, clock, as_of=NOW, batch=1)
    with store.transaction() as session:
        run = session.scalars(select(SweepRun)).one()
    assert (run.status, run.error, run.finished_at) == ("done", None, clock.now())
    assert '"rule": "leads"' in (run.results or "")
