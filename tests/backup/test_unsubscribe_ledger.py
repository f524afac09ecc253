"""An unsubscribed person stays unsubscribed when a backup from before is restored."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from backup.conftest import KEY, every_row, opened
from conftest import NOW, TEST_SECRET, make_settings
from marketing.conftest import INQUIRY, NOTICES, NTROPIC
from privet.backup.ledger import Entry, ErasureLedger, Unsubscribe
from privet.backup.restore import reapply_ledger, restore_backup
from privet.backup.take import take_backup
from privet.cli import app
from privet.clock import FixedClock
from privet.intake.service import submit
from privet.marketing import service
from privet.marketing.export import mailable
from privet.marketing.models import MarketingConsent, Suppression
from privet.notify.models import OutboxMessage
from privet.policy.load import load_policy
from privet.policy.schema import Policy
from privet.rights import service as rights
from privet.rights.carry_out import Context, carry_out
from privet.store.open import Store
from privet.subjects.service import email_index, find_subject
from privet.web.app import create_app

LATER = NOW + timedelta(days=1)  # after the backup


@pytest.fixture
def ntropic() -> Policy:
    """Ntropic's policy, with single opt-in: an opt-in counts at once."""
    policy = load_policy(NTROPIC)
    assert policy.marketing is not None
    single = policy.marketing.model_copy(update={"double_opt_in": False})
    return policy.model_copy(update={"marketing": single})


def opt_in(store: Store, policy: Policy, email: str, at: datetime = NOW) -> None:
    values = INQUIRY | {"email": email, "privet_marketing": "true"}
    with store.transaction() as session:
        submit(session, policy, "inquiry", values, at, notices=NOTICES)


def mailed(store: Store, policy: Policy) -> list[str]:
    with store.transaction() as session:
        return [row.email for row in mailable(session, policy, NOTICES.base_url)]


def unsubscribe(store: Store, ledger: ErasureLedger, email: str) -> None:
    with store.transaction() as session:
        subject = find_subject(session, email)
        assert subject is not None
        token = service.unsubscribe_token(store.keyring, subject.id)
        assert service.unsubscribe(session, token, LATER, ledger=ledger)


def test_an_unsubscribed_person_stays_unsubscribed_after_restoring_an_older_backup(
    *, store: Store, ntropic: Policy, database_url: str, empty_url: str, tmp_path: Path,
    clock: FixedClock,
) -> None:  # fmt: skip
    opt_in(store, ntropic, "ann@example.org")
    opt_in(store, ntropic, "bea@example.org")
    take_backup(store, KEY, tmp_path / "older.backup", NOW)
    settings = make_settings(tmp_path, empty_url)
    unsubscribe(store, ErasureLedger(settings.erasure_ledger), "ann@example.org")
    restored = restore_backup(settings, ntropic, tmp_path / "older.backup", clock)
    assert (restored.ledger.unsubscribes, restored.ledger.subscribers) == (1, 1)
    with opened(empty_url, tmp_path, clock) as copy:
        assert mailed(copy, ntropic) == ["bea@example.org"]
        with copy.transaction() as session:
            suppression = session.get_one(Suppression, email_index(session, "ann@example.org"))
            assert (suppression.reason, suppression.suppressed_at) == ("unsubscribe", LATER)
            ann = find_subject(session, "ann@example.org")
            assert ann is not None
            consent = select(MarketingConsent).where(MarketingConsent.subject_id == ann.id)
            assert session.scalars(consent).one().withdrawn_at == LATER
    noted = settings.erasure_ledger.read_text()
    assert "ann@example.org" not in noted and "ann" not in noted.lower()


def test_the_one_click_unsubscribe_survives_a_restore_from_the_command_line(
    *, web_store: Store, sqlite_url: str, ntropic: Policy, tmp_path: Path, clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    settings = make_settings(tmp_path, sqlite_url, policy=NTROPIC, operator_email="off")
    for name, value in (("SECRET_KEY", TEST_SECRET), ("POLICY", NTROPIC),
                        ("ERASURE_LEDGER", settings.erasure_ledger)):  # fmt: skip
        monkeypatch.setenv(f"PRIVET_{name}", str(value))
    opt_in(web_store, ntropic, "ann@example.org")
    runner = CliRunner()
    assert runner.invoke(app, ["backup", "older.backup", "--db", sqlite_url]).exit_code == 0
    with web_store.transaction() as session:
        (row,) = mailable(session, ntropic, settings.base_url)
    site = TestClient(create_app(settings, ntropic, web_store, clock))
    path = row.unsubscribe_url.removeprefix(settings.base_url)
    assert site.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    restored = runner.invoke(app, ["restore", "older.backup", "--db", "sqlite:///new.db"])
    assert restored.exit_code == 0, restored.output
    said = " ".join(restored.output.split())
    assert "0 erasures made again" in said
    assert "1 unsubscribes made again, 1 people the backup still had subscribed" in said
    listed = runner.invoke(app, ["marketing", "export", "--db", "sqlite:///new.db"])
    assert listed.exit_code == 0 and "may be mailed: 0" in listed.output
    assert "ann@example.org" not in listed.output


def test_a_ledger_line_from_before_unsubscribes_still_restores_as_an_erasure(
    store: Store, ntropic: Policy, tmp_path: Path, clock: FixedClock
) -> None:
    opt_in(store, ntropic, "ann@example.org")
    with store.transaction() as session:
        index = email_index(session, "ann@example.org")
    ledger = ErasureLedger(tmp_path / "privet.erasures")
    old = {"at": NOW.isoformat(), "index": index, "key": KEY.id, "request": None}
    ledger.path.write_text(json.dumps(old, sort_keys=True) + "\n")  # no "kind"
    assert list(ledger.entries()) == [Entry(NOW, KEY.id, index, None)]
    done = reapply_ledger(store, ntropic, ledger, clock)
    assert (done.erasures, done.people, done.unsubscribes) == (1, 1, 0)
    with store.transaction() as session:
        assert find_subject(session, "ann@example.org") is None


@pytest.mark.parametrize("confirmed", [False, True], ids=["awaiting", "confirmed"])
def test_an_opt_in_since_the_unsubscribe_stands(
    store: Store, ntropic: Policy, tmp_path: Path, clock: FixedClock, confirmed: bool
) -> None:
    """The owner opted in again after unsubscribing: a backup taken after that holds the
    new opt-in, awaiting confirmation or confirmed, and applying the ledger keeps it."""
    opt_in(store, ntropic, "ann@example.org")
    ledger = ErasureLedger(tmp_path / "privet.erasures")
    unsubscribe(store, ledger, "ann@example.org")
    opt_in(store, ntropic, "ann@example.org", LATER + timedelta(hours=1))  # to be confirmed
    with store.transaction() as session:
        body = session.scalars(select(OutboxMessage.body)).one()
    token = body.split("/marketing/confirm/")[1].split()[0]
    if confirmed:
        with store.transaction() as session:
            assert service.confirm_opt_in(session, token, LATER + timedelta(hours=2))
    before = every_row(store)
    done = reapply_ledger(store, ntropic, ledger, clock)
    assert (done.unsubscribes, done.subscribers) == (1, 0)
    assert every_row(store) == before
    with store.transaction() as session:  # the emailed link still works (again: harmless)
        assert service.confirm_opt_in(session, token, LATER + timedelta(hours=3))
    assert mailed(store, ntropic) == ["ann@example.org"]


def test_an_objection_in_the_ledger_marks_the_person_again(
    store: Store, ntropic: Policy, tmp_path: Path, clock: FixedClock
) -> None:
    opt_in(store, ntropic, "ann@example.org")
    ledger = ErasureLedger(tmp_path / "privet.erasures")
    with store.transaction() as session:
        index = email_index(session, "ann@example.org")
    ledger.append(Unsubscribe(LATER, KEY.id, index, "objection"))
    ledger.append(Unsubscribe(LATER, "00000000", index, "unsubscribe"))  # another key's
    done = reapply_ledger(store, ntropic, ledger, clock)
    assert (done.unsubscribes, done.subscribers, done.other_key) == (1, 1, 1)
    with store.transaction() as session:
        subject = find_subject(session, "ann@example.org")
        assert subject is not None and subject.objected_at == LATER
        assert session.get_one(Suppression, index).reason == "objection"
    assert mailed(store, ntropic) == []


def test_an_objection_after_the_backup_survives_a_restore(
    *, store: Store, ntropic: Policy, database_url: str, empty_url: str, tmp_path: Path,
    clock: FixedClock,
) -> None:  # fmt: skip
    opt_in(store, ntropic, "ann@example.org")
    take_backup(store, KEY, tmp_path / "older.backup", NOW)
    with store.transaction() as session:
        request = rights.staff_request(session, ntropic, "objection", "ann@example.org",
                                       language="en", now=LATER)  # fmt: skip
    settings = make_settings(tmp_path, database_url)
    assert carry_out(store, Context.of(ntropic, settings, LATER), request.id) == "done"
    restored = restore_backup(make_settings(tmp_path, empty_url), ntropic,
                              tmp_path / "older.backup", clock)  # fmt: skip
    assert (restored.ledger.unsubscribes, restored.ledger.subscribers) == (1, 1)
    with opened(empty_url, tmp_path, clock) as copy:
        assert mailed(copy, ntropic) == []
        with copy.transaction() as session:
            ann = find_subject(session, "ann@example.org")
            assert ann is not None and ann.objected_at == LATER
    assert "ann" not in settings.erasure_ledger.read_text().lower()
