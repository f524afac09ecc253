"""An erased person stays erased when a backup from before the erasure is restored."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from backup.conftest import KEY, every_row, opened
from conftest import NOW, make_settings
from privet.backup.errors import BackupFailed
from privet.backup.ledger import Entry, ErasureLedger, Unsubscribe
from privet.backup.restore import reapply_ledger, restore_backup
from privet.backup.take import take_backup
from privet.clock import FixedClock
from privet.config import Settings
from privet.intake.models import Submission
from privet.marketing.service import is_suppressed
from privet.policy.schema import Policy
from privet.rights import service
from privet.rights.carry_out import Context, carry_out
from privet.rights.erase import erase_subject
from privet.store.open import Store
from privet.subjects.service import email_index, find_subject
from retention.conftest import Plant


def erase_by_staff(store: Store, policy: Policy, settings: Settings, email: str) -> None:
    """An erasure request by post, carried out as `privet erase` does."""
    with store.transaction() as session:
        request = service.staff_request(session, policy, "erasure", email, language="en", now=NOW)
    assert carry_out(store, Context.of(policy, settings, NOW), request.id) == "done"


def test_an_erased_person_stays_erased_after_restoring_an_older_backup(
    *, store: Store, policy: Policy, database_url: str, empty_url: str, tmp_path: Path,
    clock: FixedClock,
) -> None:  # fmt: skip
    plant = Plant(store, policy)
    plant.lead("ann@example.org", NOW)
    plant.lead("bob@example.org", NOW)
    take_backup(store, KEY, tmp_path / "older.backup", NOW)
    erase_by_staff(store, policy, make_settings(tmp_path, database_url), "ann@example.org")
    restored = restore_backup(make_settings(tmp_path, empty_url), policy,
                              tmp_path / "older.backup", clock)  # fmt: skip
    assert (restored.ledger.erasures, restored.ledger.people) == (1, 1)
    with opened(empty_url, tmp_path, clock) as copy, copy.transaction() as session:
        assert find_subject(session, "ann@example.org") is None
        assert is_suppressed(session, email_index(session, "ann@example.org"))
        assert find_subject(session, "bob@example.org") is not None
        assert session.scalar(select(func.count()).select_from(Submission)) == 1


def test_applying_the_ledger_again_changes_nothing(
    store: Store, policy: Policy, tmp_path: Path, clock: FixedClock
) -> None:
    Plant(store, policy).lead("ann@example.org", NOW)
    ledger = ErasureLedger(tmp_path / "erasures")
    with store.transaction() as session:
        erase_subject(session, policy, "ann@example.org", ledger=ledger, language="en", now=NOW)
    after_erasure = every_row(store)
    again = reapply_ledger(store, policy, ledger, clock)
    assert (again.erasures, again.people) == (1, 0)
    assert every_row(store) == after_erasure


def test_the_ledger_is_on_disk_before_the_erasure_commits_and_names_no_one(
    store: Store, policy: Policy, tmp_path: Path
) -> None:
    ledger = ErasureLedger(tmp_path / "erasures")
    with pytest.raises(RuntimeError), store.transaction() as session:
        erase_subject(session, policy, "Ann@Example.org", ledger=ledger, language="en", now=NOW)
        raise RuntimeError("the process dies before the commit")
    (entry,) = ledger.entries()
    with store.transaction() as session:
        assert entry.email_index == email_index(session, "ann@example.org")
    assert (entry.at, entry.key_id) == (NOW, KEY.id)
    assert "ann" not in ledger.path.read_text().lower()
    assert ledger.path.stat().st_mode & 0o777 == 0o600


def test_entries_under_another_key_are_counted_not_applied(
    store: Store, policy: Policy, tmp_path: Path, clock: FixedClock
) -> None:
    Plant(store, policy).lead("ann@example.org", NOW)
    ledger = ErasureLedger(tmp_path / "erasures")
    with store.transaction() as session:
        index = email_index(session, "ann@example.org")
    ledger.append(Entry(NOW, "00000000", index, None))
    done = reapply_ledger(store, policy, ledger, clock)
    assert (done.erasures, done.other_key) == (0, 1)
    with store.transaction() as session:
        assert find_subject(session, "ann@example.org") is not None


def test_a_last_line_cut_short_is_skipped_and_a_damaged_one_named(tmp_path: Path) -> None:
    ledger = ErasureLedger(tmp_path / "erasures")
    ledger.append(Entry(NOW, KEY.id, "a" * 64, uuid.uuid4()))
    with ledger.path.open("ab") as file:
        file.write(b'{"at": "2026-11-2')  # the process died mid-write: never acknowledged
    assert [entry.email_index for entry in ledger.entries()] == ["a" * 64]
    with ledger.path.open("ab") as file:
        file.write(b"\n")
    with pytest.raises(BackupFailed, match=f"{ledger.path}:2: not an entry"):
        list(ledger.entries())


def test_unsubscribes_read_back_apart_and_an_unknown_kind_is_named(tmp_path: Path) -> None:
    ledger = ErasureLedger(tmp_path / "erasures")
    unsubscribe = Unsubscribe(NOW, KEY.id, "b" * 64, "objection")
    erasure = Entry(NOW, KEY.id, "a" * 64, None)
    ledger.append(unsubscribe)
    ledger.append(erasure)
    assert list(ledger.entries()) == [unsubscribe, erasure]
    assert (list(ledger.erasures()), list(ledger.unsubscribes())) == ([erasure], [unsubscribe])
    # Without "request", a privet older than unsubscribes refuses the line, never erases.
    assert "request" not in ledger.path.read_text().splitlines()[0]
    with ledger.path.open("ab") as file:
        file.write(b'{"at": "2026-11-23T12:00:00+00:00", "index": "c", "key": "k", "kind": "x"}\n')
    with pytest.raises(BackupFailed, match=f"{ledger.path}:3: not an entry"):
        list(ledger.entries())
