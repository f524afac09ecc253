"""Each action on personal data leaves its entry, naming people by id only."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from admin.test_pages import sign_in
from auditlog.conftest import dump
from conftest import EXAMPLE, NOW, PASSWORD, ROOT, TEST_SECRET, make_settings
from privet.admin.service import find_user
from privet.auditlog.models import AuditEntry
from privet.auditlog.verify import verify
from privet.cli import app
from privet.clock import FixedClock
from privet.intake.models import Submission
from privet.policy.schema import Policy
from privet.retention.holds import Target, lift_hold, place_hold
from privet.retention.sweep import sweep
from privet.rights.carry_out import Context, carry_out, rectify, refuse
from privet.rights.service import staff_request
from privet.store.open import Store
from privet.transparency.versions import publish
from retention.conftest import T0, Plant

runner = CliRunner()


def entries(store: Store, action: str) -> list[AuditEntry]:
    with store.transaction() as session:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
        return list(session.scalars(query))


def staff_id(store: Store, email: str) -> str:
    with store.transaction() as session:
        user = find_user(session, email)
        assert user is not None
        return str(user.id)


def test_a_sign_in_is_recorded_with_the_staff_members_id(
    client: TestClient, web_store: Store, bob: str
) -> None:
    sign_in(client, bob)
    (login,) = entries(web_store, "login")
    assert (login.actor, login.target_kind) == (staff_id(web_store, bob), "staff_user")


def test_a_failed_sign_in_keeps_no_address(client: TestClient, web_store: Store, bob: str) -> None:
    sign_in(client, "mallory@example.org")
    sign_in(client, bob, PASSWORD + "x")
    unknown, known = entries(web_store, "login_failed")
    assert (unknown.actor, unknown.target_id) == ("anonymous", None)
    assert known.target_id == staff_id(web_store, bob)
    assert "mallory" not in dump(web_store) and bob not in dump(web_store)
    assert entries(web_store, "login") == []


def test_an_officer_reading_a_submission_is_recorded_and_a_viewer_not(
    client: TestClient, web_store: Store, policy: Policy, bob: str, charlie: str
) -> None:
    Plant(web_store, policy).lead("ann@example.org", NOW)
    with web_store.transaction() as session:
        submission = session.scalars(select(Submission)).one()
    sign_in(client, charlie)
    assert client.get(f"/admin/submissions/{submission.id}").status_code == 200
    assert entries(web_store, "view") == []
    sign_in(client, bob)
    assert client.get(f"/admin/submissions/{submission.id}").status_code == 200
    (view,) = entries(web_store, "view")
    assert (view.actor, view.target_kind, view.target_id) == (
        staff_id(web_store, bob), "submission", str(submission.id))  # fmt: skip


def test_an_erasure_from_the_shell_is_recorded_with_its_counts_and_no_address(
    web_store: Store, sqlite_url: str, policy: Policy, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:  # fmt: skip
    Plant(web_store, policy).lead("ann@example.org", NOW)
    for name, value in {"PRIVET_SECRET_KEY": TEST_SECRET, "PRIVET_DATABASE_URL": sqlite_url,
                        "PRIVET_POLICY": str(EXAMPLE)}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    erased = runner.invoke(app, ["erase", "ann@example.org", "--yes", "--as-of", "2026-11-23"])
    assert erased.exit_code == 0, erased.output
    (erase,) = entries(web_store, "erase")
    assert (erase.actor, erase.target_kind) == ("cli", "request")
    uuid.UUID(erase.target_id or "")
    assert '"submissions":1' in erase.details
    assert "ann@example.org" not in dump(web_store)


def test_a_sweep_is_recorded_with_what_each_rule_did(
    store: Store, policy: Policy, plant: Plant, clock: FixedClock
) -> None:
    plant.receipts(3, T0)
    sweep(store, policy, clock)
    (swept,) = entries(store, "sweep")
    assert swept.actor == "privet"
    assert '"consent_logs/consent_receipts":{"anonymised":0,"deleted":3,"held":0}' in swept.details
    assert verify(store).broken is None


def test_placing_and_lifting_a_hold_are_recorded(
    store: Store, policy: Policy, plant: Plant
) -> None:
    plant.lead("ann@example.org", NOW)
    with store.transaction() as session:
        hold = place_hold(session, policy, Target(email="ann@example.org"), reason="complaint",
                          now=NOW, staff_id=None)  # fmt: skip
    with store.transaction() as session:
        lift_hold(session, hold.id, now=NOW, staff_id=None)
        lift_hold(session, hold.id, now=NOW, staff_id=None)  # already lifted: nothing to record
    placed, lifted = entries(store, "hold_placed") + entries(store, "hold_lifted")
    assert (placed.actor, placed.target_id) == ("cli", str(hold.id))
    assert placed.details == '{"covers":"a person"}'
    assert (lifted.action, lifted.target_id, lifted.seq) == ("hold_lifted", str(hold.id), 2)


def test_publishing_the_policy_is_recorded(web_store: Store, policy: Policy) -> None:
    with web_store.transaction() as session:
        publish(session, policy, EXAMPLE.read_text(), "First", NOW, base_url="http://x.test")
    (published,) = entries(web_store, "policy_published")
    assert (published.actor, published.target_id) == ("cli", policy.policy.version)
    assert published.details == '{"number":1}'


def _staff_request(store: Store, policy: Policy, kind: str) -> uuid.UUID:
    with store.transaction() as session:
        return staff_request(session, policy, kind, "ann@example.org", language="en", now=NOW).id


@pytest.mark.parametrize(("kind", "action"), [("objection", "object"), ("restriction", "restrict")])
def test_an_objection_or_a_restriction_is_recorded(
    web_store: Store, policy: Policy, tmp_path: Path, kind: str, action: str
) -> None:
    offered = [*policy.rights.offered, "restriction"]
    policy = policy.model_copy(
        update={"rights": policy.rights.model_copy(update={"offered": offered})}
    )
    Plant(web_store, policy).lead("ann@example.org", NOW)
    request_id = _staff_request(web_store, policy, kind)
    context = Context.of(policy, make_settings(tmp_path, "sqlite://"), NOW)
    carry_out(web_store, context, request_id, staff_id=None)
    (entry,) = entries(web_store, action)
    assert (entry.actor, entry.target_id) == ("cli", str(request_id))
    assert "ann@example.org" not in dump(web_store)


def test_an_officer_rectifying_or_refusing_is_recorded(
    web_store: Store, policy: Policy, tmp_path: Path, bob: str
) -> None:
    Plant(web_store, policy).lead("ann@example.org", NOW)
    officer = uuid.UUID(staff_id(web_store, bob))
    context = Context.of(policy, make_settings(tmp_path, "sqlite://"), NOW)
    corrected = _staff_request(web_store, policy, "rectification")
    rectify(web_store, context, corrected, {"email": "ann@example.net"}, officer)
    refused = _staff_request(web_store, policy, "access")
    refuse(web_store, context, refused, "we hold no account for that address", officer)
    (rectified,) = entries(web_store, "rectify")
    assert (rectified.actor, rectified.target_id, rectified.details) == (
        str(officer),
        str(corrected),
        '{"fields":1}',
    )
    (refusal,) = entries(web_store, "refuse")
    assert (refusal.actor, refusal.target_id) == (str(officer), str(refused))


def test_listing_clients_or_exporting_the_mailing_list_is_a_view(
    web_store: Store, sqlite_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name, value in {"PRIVET_SECRET_KEY": TEST_SECRET, "PRIVET_DATABASE_URL": sqlite_url,
                        "PRIVET_POLICY": str(EXAMPLE)}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["clients", "list"]).exit_code == 0
    ntropic = str(ROOT / "examples" / "ntropic" / "policy.yaml")  # it sends marketing
    exported = runner.invoke(app, ["marketing", "export", "-o", "list.csv", "--policy", ntropic])
    assert exported.exit_code == 0, exported.output
    assert [entry.details for entry in entries(web_store, "view")] == [
        '{"count":0,"what":"clients list"}',
        '{"count":0,"what":"marketing export"}',
    ]
