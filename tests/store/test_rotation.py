"""Key rotation: every personal field and blind index moved to a new key in batches, a
killed rotation resumed, and lookups, suppressions, the audit log and older backups
working before, during and after."""

from __future__ import annotations

import base64
import contextlib
import os
import signal
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import LargeBinary, String, select, text, type_coerce
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from conftest import EXAMPLE, NOW, PASSWORD, TEST_SECRET, make_settings
from privet.admin import service as staff_service
from privet.analytics.models import Pageview
from privet.auditlog import service as auditlog
from privet.auditlog.verify import verify
from privet.backup.keys import configured_key
from privet.backup.ledger import ErasureLedger
from privet.backup.restore import restore_backup
from privet.backup.take import take_backup
from privet.cli import app
from privet.clients.service import NewContract, list_contracts, record_contract
from privet.clock import FixedClock
from privet.consent.service import (
    Decision,
    link_visitor,
    new_receipt,
    receipts_of,
    receipts_of_subject,
    record_decision,
)
from privet.intake.notices import Notices
from privet.intake.service import submit
from privet.marketing.service import is_suppressed, suppressed
from privet.models import Base
from privet.notify.service import queue_email
from privet.policy.schema import Policy
from privet.rights.actions import object_to_marketing
from privet.rights.erase import erase_subject
from privet.rights.models import DataRequest
from privet.rights.service import Asked, receive_request, verify_request
from privet.store.crypto import Keyring, SecretKeyError, decode_secret, key_id_of
from privet.store.models import KeyCheck
from privet.store.open import Store, open_store
from privet.store.rotation import EMAILS, RECOMPUTED, VISITORS, RotationFailed, encrypted_tables
from privet.store.rotation import rotate as rotate_keys
from privet.store.types import Encrypted
from privet.subjects.models import Subject
from privet.subjects.service import email_indexes, find_subject, get_or_create_subject

NEW_SECRET = base64.urlsafe_b64encode(b"rotation-tests-newer-key-32bytes").decode()
OLD_ID, NEW_ID = (Keyring(decode_secret(s)).key_id for s in (TEST_SECRET, NEW_SECRET))
PEOPLE = ("ann@example.org", "bob@example.org", "cy@example.org", "di@example.org")
GONE, OBJECTOR, CLIENT = "gone@example.org", PEOPLE[3], PEOPLE[2]
VISITOR = uuid.UUID(int=7)
QUIET = Notices(base_url="http://privet.test", operator=None)
runner = CliRunner()


def plant(store: Store, policy: Policy, tmp_path: Path) -> None:
    """One of everything personal, through the service functions, under the store's key."""
    with store.transaction() as session:
        for number, email in enumerate((*PEOPLE, GONE)):
            fields = {"name": f"Person {number}", "email": email, "message": "A quote, please"}
            submit(session, policy, "contact", fields, NOW, notices=QUIET)
        staff_service.create_user(session, "staff@example.org", "officer", PASSWORD, NOW)
        asked = Asked("access", PEOPLE[0], details="everything, please")
        receive_request(session, policy, asked, language="en", now=NOW)
        queue_email(session, PEOPLE[1], "About your quote", "Hello", NOW)
        record_contract(session, policy, NewContract(CLIENT, "NTO-2026-07", NOW.date()), NOW)
        object_to_marketing(
            session, OBJECTOR, NOW, ledger=ErasureLedger(tmp_path / "privet.erasures")
        )
        decision = Decision(
            VISITOR, policy.policy.version, "banner", ["analytics"], [], False, "en"
        )
        receipt = record_decision(session, policy, decision, NOW, privacy_url="http://x.test/p")
        link_visitor(session, _subject(session, PEOPLE[0]), VISITOR, NOW)
        visitor = store.keyring.blind_index(str(VISITOR))
        session.add(Pageview(viewed_at=NOW, path="/", visitor=visitor, consent_id=receipt.id))
        ledger = ErasureLedger(tmp_path / "privet.erasures")
        erase_subject(session, policy, GONE, ledger=ledger, language="en", now=NOW)


def _subject(session: Session, email: str) -> Subject:
    found = find_subject(session, email)
    assert found is not None, email
    return found


def key_ids(store: Store) -> dict[str, set[str]]:
    """The ids of the keys that wrote each table's ciphertexts, read from the bytes."""
    found: dict[str, set[str]] = {}
    with store.engine.connect() as connection:
        for table in encrypted_tables():
            for column in (c for c in table.columns if isinstance(c.type, Encrypted)):
                raw = select(type_coerce(column, LargeBinary)).where(column.is_not(None))
                tokens = connection.scalars(raw)
                found.setdefault(table.name, set()).update(key_id_of(t).hex() for t in tokens)
    return {name: ids for name, ids in found.items() if ids}


def assert_everyone_found(store: Store) -> None:
    """Every lookup by a blind index finds what was planted."""
    with store.transaction() as session:
        for email in PEOPLE:
            assert find_subject(session, email.upper()) is not None, email
        assert staff_service.find_user(session, "staff@example.org") is not None
        assert [c.contract.reference for c in list_contracts(session, CLIENT)] == ["NTO-2026-07"]
        assert len(receipts_of(session, VISITOR)) == 1
        assert len(receipts_of_subject(session, _subject(session, PEOPLE[0]))) == 1
        assert is_suppressed(session, *email_indexes(session, GONE))
        objecting = session.scalars(select(Subject.email).where(suppressed())).all()
        assert objecting == [OBJECTOR]


def everything_decrypts(store: Store) -> int:
    with store.transaction() as session:
        return sum(len(session.execute(select(table)).all()) for table in encrypted_tables())


@contextlib.contextmanager
def opened(database_url: str, tmp_path: Path, secret: str, older: str = "") -> Iterator[Store]:
    settings = make_settings(tmp_path, database_url, secret_key=secret, old_secret_keys=older)
    store = open_store(settings, FixedClock(NOW))
    try:
        yield store
    finally:
        store.close()


def ring(database_url: str, tmp_path: Path) -> contextlib.AbstractContextManager[Store]:
    """The store as every process sees it after `privet key add`: new key first, old kept."""
    return opened(database_url, tmp_path, NEW_SECRET, TEST_SECRET)


def rotate_command(database_url: str, tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    command = [sys.executable, "-m", "privet", "rotate-key", "--batch-size", "2"]
    environment = os.environ | {
        "PRIVET_DATABASE_URL": database_url, "PRIVET_SECRET_KEY": NEW_SECRET,
        "PRIVET_OLD_SECRET_KEYS": TEST_SECRET, "PRIVET_POLICY": str(EXAMPLE),
        "PRIVET_SECRET_KEY_FILE": str(tmp_path / "unused.key"), "PRIVET_LOG_LEVEL": "debug",
    }  # fmt: skip
    return command, environment


def test_a_rotation_killed_after_its_first_batch_resumes_and_everything_decrypts(
    *, store: Store, policy: Policy, database_url: str, tmp_path: Path
) -> None:
    plant(store, policy, tmp_path)
    with store.transaction() as session:  # receipts come first: enough for many batches
        for _ in range(40):
            decision = Decision(uuid.uuid4(), "1", "banner", ["analytics"], [], False, "en")
            session.add(new_receipt(policy, store.keyring, decision, NOW, country=None,
                                    privacy_url="http://x.test/p"))  # fmt: skip
    command, environment = rotate_command(database_url, tmp_path)
    with subprocess.Popen(command, env=environment, stderr=subprocess.PIPE, text=True) as rotation:
        assert rotation.stderr is not None
        for line in rotation.stderr:  # the first committed batch, then no chance to finish
            if "rotation_batch" in line:
                rotation.send_signal(signal.SIGKILL)
                break
    assert rotation.returncode == -signal.SIGKILL
    _end_its_connection(store)
    with ring(database_url, tmp_path) as rotating:
        half = key_ids(rotating)
        assert half["consent_receipts"] == {OLD_ID, NEW_ID} and half["subjects"] == {OLD_ID}
        assert_everyone_found(rotating)
        finished = subprocess.run(command, env=environment, capture_output=True, text=True)
        assert finished.returncode == 0, finished.stderr
        assert "nothing is left under an older key" in finished.stdout
        assert set(key_ids(rotating)) >= {"subjects", "data_requests", "outbox_messages"}
        assert all(ids == {NEW_ID} for ids in key_ids(rotating).values())
        assert_everyone_found(rotating)
    with opened(database_url, tmp_path, NEW_SECRET) as new_only:  # no old key at all
        assert everything_decrypts(new_only) > 40


def _end_its_connection(store: Store) -> None:
    """PostgreSQL ends a killed client's transaction when its server process notices the
    dead socket; end that process now (waiting up to 10 s) instead of racing it."""
    if store.engine.dialect.name != "postgresql":
        return
    others = text(
        "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'"
    )
    with store.engine.connect() as connection:
        connection.execute(others)


def test_lookups_find_the_same_people_before_during_and_after_a_rotation(
    *, store: Store, policy: Policy, database_url: str, tmp_path: Path
) -> None:
    plant(store, policy, tmp_path)
    assert_everyone_found(store)
    with ring(database_url, tmp_path) as rotating:
        assert_everyone_found(rotating)  # every row still under the old key
        with rotating.transaction() as session:  # a newcomer, under the new key
            get_or_create_subject(session, "eve@example.org", NOW)
        assert key_ids(rotating)["subjects"] == {OLD_ID, NEW_ID}
        done = rotate_keys(rotating, batch=2)
        assert done.complete and done.resealed and done.rotated["subjects"] == 4
        assert_everyone_found(rotating)
        with rotating.transaction() as session:
            assert find_subject(session, "eve@example.org") is not None
            indexes = session.scalars(select(Subject.email_index)).all()
            assert all(index == email_indexes(session, _email(session, index))[0]
                       for index in indexes)  # fmt: skip


def _email(session: Session, index: str) -> str:
    return session.scalars(select(Subject.email).where(Subject.email_index == index)).one()


def test_a_suppressed_address_stays_suppressed_though_its_index_cannot_move(
    *, store: Store, policy: Policy, database_url: str, tmp_path: Path
) -> None:
    plant(store, policy, tmp_path)
    with ring(database_url, tmp_path) as rotating:
        done = rotate_keys(rotating, batch=2)
        assert done.bare_suppressions == 1  # the erased address: no value left to index
        assert_everyone_found(rotating)  # the objector's suppression moved with them
    with opened(database_url, tmp_path, NEW_SECRET) as new_only, new_only.transaction() as s:
        assert not is_suppressed(s, *email_indexes(s, GONE))  # why older keys stay
        assert s.scalars(select(Subject.email).where(suppressed())).all() == [OBJECTOR]


def test_audit_log_verify_passes_over_entries_sealed_before_and_after_a_rotation(
    *, store: Store, policy: Policy, database_url: str, tmp_path: Path
) -> None:
    with store.transaction() as session:
        auditlog.record(session, auditlog.SHELL, "sweep", NOW, details={"deleted": 1})
    with ring(database_url, tmp_path) as rotating:
        rotate_keys(rotating)
        with rotating.transaction() as session:
            auditlog.record(session, auditlog.SHELL, "key_rotated", NOW, details={"rows": 0})
        verdict = verify(rotating)
        assert (verdict.broken, verdict.checked) == (None, 2)
    with opened(database_url, tmp_path, NEW_SECRET) as new_only:
        broken = verify(new_only).broken
        assert broken is not None and broken.seq == 1  # sealed by the key left out


def test_a_backup_taken_before_a_rotation_restores_and_later_erasures_still_apply(
    *, store: Store, policy: Policy, database_url: str, empty_url: str, tmp_path: Path,
) -> None:  # fmt: skip
    plant(store, policy, tmp_path)
    take_backup(store, configured_key(make_settings(tmp_path, database_url)), tmp_path / "b", NOW)
    with ring(database_url, tmp_path) as rotating:
        rotate_keys(rotating)
        with rotating.transaction() as session:  # noted in the ledger under the new key
            ledger = ErasureLedger(tmp_path / "privet.erasures")
            erase_subject(session, policy, PEOPLE[1], ledger=ledger, language="en", now=NOW)
    settings = make_settings(tmp_path, empty_url, secret_key=NEW_SECRET,
                             old_secret_keys=TEST_SECRET)  # fmt: skip
    restored = restore_backup(settings, policy, tmp_path / "b", FixedClock(NOW))
    assert restored.header.key_id == OLD_ID and restored.ledger.other_key == 0
    with ring(empty_url, tmp_path) as back:
        assert all(ids == {NEW_ID} for ids in key_ids(back).values())
        with back.transaction() as session:
            assert find_subject(session, PEOPLE[1]) is None  # erased after the backup
            assert find_subject(session, PEOPLE[0]) is not None
            assert find_subject(session, GONE) is None  # erased before it


def test_a_request_code_mailed_under_the_old_key_still_proves_the_address(
    store: Store, policy: Policy, database_url: str, tmp_path: Path
) -> None:
    with store.transaction() as session:
        asked = Asked("access", PEOPLE[0])
        received = receive_request(session, policy, asked, language="en", now=NOW)
    assert received.code is not None
    with ring(database_url, tmp_path) as rotating, rotating.transaction() as session:
        request = session.get_one(DataRequest, received.request.id)
        verify_request(session, policy, request, received.code, NOW)
        assert request.status == "open"


def test_once_rotated_a_process_with_only_the_old_key_is_refused(
    store: Store, database_url: str, tmp_path: Path
) -> None:
    with ring(database_url, tmp_path) as rotating:
        assert rotate_keys(rotating).resealed
        with rotating.transaction() as session:
            assert session.scalars(select(KeyCheck.key_id)).one() == NEW_ID
    with pytest.raises(SecretKeyError, match=f"written with \\(id {NEW_ID}\\)"):
        open_store(make_settings(tmp_path, database_url), FixedClock(NOW))


def test_two_records_of_one_address_stop_the_rotation_naming_the_row_not_the_address(
    store: Store, database_url: str, tmp_path: Path
) -> None:
    with ring(database_url, tmp_path) as rotating:
        with rotating.transaction() as session:
            newer = get_or_create_subject(session, "ann@example.org", NOW)
        with store.transaction() as session:  # a process that was never given the new key
            get_or_create_subject(session, "ann@example.org", NOW)
        with pytest.raises(RotationFailed, match=r"subjects row .*another row's") as failed:
            rotate_keys(rotating)
        assert "example.org" not in str(failed.value) and str(newer.id) not in str(failed.value)


def test_key_add_puts_a_new_key_first_and_rotate_key_moves_everything_to_it(
    policy: Policy, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = tmp_path / "privet.key"
    key_file.write_text(TEST_SECRET + "\n", encoding="ascii")
    key_file.chmod(0o600)
    monkeypatch.setenv("PRIVET_SECRET_KEY_FILE", str(key_file))
    monkeypatch.delenv("PRIVET_SECRET_KEY", raising=False)
    added = runner.invoke(app, ["key", "add"])
    assert added.exit_code == 0, added.output
    assert "back this key up" in added.output and f"kept to read: {OLD_ID}" in added.output
    lines = key_file.read_text(encoding="ascii").splitlines()
    assert len(lines) == 2 and lines[1] == TEST_SECRET
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    rotated = runner.invoke(app, ["rotate-key", "--db", sqlite_url, "--batch-size", "2"])
    assert rotated.exit_code == 0, rotated.output
    assert "subjects: 0 rows re-encrypted" in rotated.output
    with opened(sqlite_url, tmp_path, lines[0]) as new_only, new_only.transaction() as session:
        assert (
            session.scalars(select(KeyCheck.key_id)).one()
            == Keyring(decode_secret(lines[0])).key_id
        )
        entry = auditlog.recent(session, action="key_rotated")[0]
        assert entry.actor == "cli" and '"rows":0' in entry.details


def test_key_add_refuses_a_key_that_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRIVET_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("PRIVET_SECRET_KEY_FILE", str(tmp_path / "privet.key"))
    refused = runner.invoke(app, ["key", "add"])
    assert refused.exit_code == 1 and "PRIVET_OLD_SECRET_KEYS" in refused.output
    assert not (tmp_path / "privet.key").exists()


def test_every_blind_index_column_is_one_the_rotation_moves() -> None:
    moved = set(EMAILS) | set(VISITORS)
    moved |= {f"{table}.{spec.index}" for table, spec in RECOMPUTED.items()}
    indexes = {
        f"{table.name}.{column.name}"
        for table in Base.metadata.tables.values()
        for column in table.columns
        if column.name.endswith("_index") and isinstance(column.type, String)
    }
    assert indexes | {"pageviews.visitor"} == moved
