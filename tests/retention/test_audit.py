"""`privet audit`: silent on a fresh store, and naming each kind of broken promise."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import NOW, ROOT, TEST_SECRET
from privet.analytics.models import Pageview
from privet.cli import app
from privet.clock import FixedClock
from privet.intake.models import Submission
from privet.marketing.models import MarketingConsent
from privet.policy.load import load_policy
from privet.policy.schema import Policy, Processor
from privet.retention.audit import run_audit
from privet.retention.models import SweepRun
from privet.retention.sweep import sweep
from privet.rights.models import DataRequest
from privet.store.open import Store
from privet.subjects.service import get_or_create_subject
from retention.conftest import T0, Plant

EXAMPLES = sorted((ROOT / "examples").glob("*/policy.yaml"))


def checks(store: Store, policy: Policy, clock: FixedClock) -> list[str]:
    with store.transaction() as session:
        return [finding.check for finding in run_audit(session, policy, clock.now())]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.parent.name)
def test_a_fresh_store_keeps_every_promise(store: Store, clock: FixedClock, example: Path) -> None:
    assert checks(store, load_policy(example), clock) == []


def test_a_record_kept_past_its_rule_is_named(
    store: Store, policy: Policy, plant: Plant, clock: FixedClock
) -> None:
    plant.lead("old@example.org", T0)
    with store.transaction() as session:
        (finding,) = run_audit(session, policy, clock.now())
    assert finding.check == "retention"
    assert "rule 'leads': 1 submissions kept past '3 years after last contact" in finding.message
    assert "old@example.org" not in finding.message


def test_a_page_view_without_consent_is_named(
    store: Store, policy: Policy, plant: Plant, clock: FixedClock
) -> None:
    plant.pageview(NOW, consent_id=plant.receipt(NOW))
    assert checks(store, policy, clock) == []
    plant.pageview(NOW)  # no receipt at all
    assert checks(store, policy, clock) == ["analytics_consent"]


def test_a_page_view_anonymised_by_the_sweep_is_not_named(
    store: Store, policy: Policy, plant: Plant, clock: FixedClock
) -> None:
    viewed = NOW - timedelta(days=400)  # past the 13 months after which views are anonymised
    plant.pageview(viewed, consent_id=plant.receipt(viewed))
    sweep(store, policy, clock, as_of=NOW)
    assert plant.count(Pageview) == 1
    assert checks(store, policy, clock) == []


def test_a_live_marketing_consent_of_someone_who_objected_is_named(
    store: Store, clock: FixedClock
) -> None:
    ntropic = load_policy(ROOT / "examples" / "ntropic" / "policy.yaml")
    with store.transaction() as session:
        subject = get_or_create_subject(session, "objector@example.org", NOW)
        subject.objected_at = NOW
        session.add(MarketingConsent(subject_id=subject.id, method="form", wording="Yes",
                                     language="en", policy_version="1", given_at=NOW,
                                     confirmed_at=NOW))  # fmt: skip
    assert checks(store, ntropic, clock) == ["marketing"]


def test_a_request_past_its_deadline_is_named(
    store: Store, policy: Policy, clock: FixedClock
) -> None:
    with store.transaction() as session:
        session.add(DataRequest(kind="access", email="", email_index="x", language="en",
                                status="open", received_at=NOW - timedelta(days=40),
                                due_at=NOW - timedelta(days=1), token_hash="t"))  # fmt: skip
    assert checks(store, policy, clock) == ["requests"]


def test_a_processor_outside_the_region_without_a_basis_is_named(
    store: Store, policy: Policy, clock: FixedClock
) -> None:
    mailer = Processor(name="Mailer", service="Email", location="US")
    breached = policy.model_copy(update={"processors": policy.processors | {"mailer": mailer}})
    assert checks(store, breached, clock) == ["processors"]


def test_records_under_a_category_the_policy_dropped_are_named(
    store: Store, policy: Policy, clock: FixedClock
) -> None:
    with store.transaction() as session:
        subject = get_or_create_subject(session, "ann@example.org", NOW)
        session.add(Submission(subject_id=subject.id, form="old", purpose="p",
                               legal_basis="contract", categories="old_category",
                               policy_version="0", fields="{}", submitted_at=NOW))  # fmt: skip
    assert checks(store, policy, clock) == ["categories"]


def test_a_failed_or_stopped_sweep_is_named(
    store: Store, policy: Policy, clock: FixedClock
) -> None:
    with store.transaction() as session:
        session.add(SweepRun(started_at=NOW, owner="h:1", as_of=NOW, status="failed",
                             error="MemoryError"))  # fmt: skip
    assert checks(store, policy, clock) == ["sweep"]
    clock.advance(timedelta(hours=49))  # and no sweep has completed since the store began
    assert checks(store, policy, clock) == ["sweep", "sweep"]


def test_the_command_exits_1_naming_the_breach(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRIVET_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("PRIVET_SECRET_KEY_FILE", str(tmp_path / "k"))
    monkeypatch.setenv("PRIVET_DATABASE_URL", f"sqlite:///{tmp_path}/audit.db")
    monkeypatch.setenv("PRIVET_BACKUP_DIR", str(tmp_path / "backups"))
    monkeypatch.setenv("PRIVET_POLICY", str(ROOT / "examples" / "ntoprog" / "policy.yaml"))
    runner = CliRunner()
    clean = runner.invoke(app, ["audit", "--as-of", "2026-11-23"])
    assert (clean.exit_code, "No finding") == (0, clean.output[:10])
    held = runner.invoke(app, ["holds", "place", "--category", "nope", "--reason", "x"])
    assert held.exit_code == 2 and "category" in held.output
    late = runner.invoke(app, ["audit", "--as-of", "2026-11-27"])
    assert late.exit_code == 1
    assert "sweep: no retention sweep has completed" in late.output
