"""A backup restores into an empty database as the store was, even while it was written to."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from sqlalchemy import select

from backup.conftest import KEY, every_row, opened
from conftest import NOW, TEST_SECRET, make_settings
from privet.backup.restore import restore_backup
from privet.backup.take import take_backup
from privet.clock import FixedClock
from privet.consent.models import ConsentReceipt
from privet.policy.schema import Policy
from privet.retention.audit import run_audit
from privet.store.crypto import Keyring, decode_secret
from privet.store.engine import create_store_engine, session_factory
from privet.store.keys import verify_key
from privet.store.migrate import alembic_config, head_revision
from privet.store.open import Store
from privet.subjects.models import Subject
from retention.conftest import Plant

KEY_RING = Keyring(decode_secret(TEST_SECRET))


def test_a_restored_backup_holds_every_row_of_the_store_and_passes_the_audit(
    store: Store, policy: Policy, empty_url: str, tmp_path: Path, clock: FixedClock
) -> None:
    plant = Plant(store, policy)
    plant.lead("ann@example.org", NOW)
    plant.contract("ann@example.org", NOW, ends_on=None)
    plant.receipt(NOW)
    take_backup(store, KEY, tmp_path / "store.backup", NOW)
    restored = restore_backup(make_settings(tmp_path, empty_url), policy,
                              tmp_path / "store.backup", clock)  # fmt: skip
    assert (restored.header.dialect, restored.header.taken_at) == (store.engine.dialect.name, NOW)
    with opened(empty_url, tmp_path, clock) as copy:
        assert every_row(copy) == every_row(store)
        with copy.transaction() as session:
            assert run_audit(session, policy, NOW) == []


class Writer(threading.Thread):
    """Keeps sending forms and consents through the service functions, noting each write
    once its transaction has committed: acknowledged, as a visitor's browser would be."""

    def __init__(self, store: Store, policy: Policy) -> None:
        super().__init__()
        self.plant, self.acknowledged = Plant(store, policy), list[str]()
        self.started_enough, self.stopping = threading.Event(), threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            number = len(self.acknowledged)
            if number % 2:
                self.acknowledged.append(str(self.plant.receipt(NOW)))
            else:
                self.plant.lead(f"writer{number}@example.org", NOW)
                self.acknowledged.append(f"writer{number}@example.org")
            if number == 20:
                self.started_enough.set()


def test_a_backup_under_concurrent_writes_holds_every_write_acknowledged_before_it(
    store: Store, policy: Policy, empty_url: str, tmp_path: Path, clock: FixedClock
) -> None:
    writer = Writer(store, policy)
    writer.start()
    try:
        assert writer.started_enough.wait(timeout=120)
        before = list(writer.acknowledged)
        take_backup(store, KEY, tmp_path / "busy.backup", NOW)
    finally:
        writer.stopping.set()
        writer.join()
    restore_backup(make_settings(tmp_path, empty_url), policy, tmp_path / "busy.backup", clock)
    with opened(empty_url, tmp_path, clock) as copy, copy.transaction() as session:
        people = set(session.scalars(select(Subject.email)))
        receipts = {str(found) for found in session.scalars(select(ConsentReceipt.id))}
        assert run_audit(session, policy, NOW) == []
    held = people | receipts
    assert set(before) <= held
    # One moment's database: the writes up to some point, none missing, none after it.
    assert held == set(writer.acknowledged[: len(held)])


def test_an_older_backup_is_migrated_to_the_latest_schema_on_restore(
    policy: Policy, tmp_path: Path, clock: FixedClock
) -> None:
    older = tmp_path / "older.db"
    engine = create_store_engine(f"sqlite:///{older}", KEY_RING)
    command.upgrade(alembic_config(engine), "0011")
    with session_factory(engine).begin() as session:
        verify_key(session, KEY_RING, NOW)
    take_backup(Store(engine, session_factory(engine), KEY_RING), KEY, tmp_path / "b", NOW)
    engine.dispose()
    target = tmp_path / "restored.db"
    restored = restore_backup(make_settings(tmp_path, f"sqlite:///{target}"), policy,
                              tmp_path / "b", clock)  # fmt: skip
    assert (restored.header.revision, restored.revision) == ("0011", head_revision())
