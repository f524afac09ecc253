"""A restore that would harm the target, or a file that cannot be trusted, is refused before
anything is written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from backup.conftest import KEY, every_row
from conftest import NOW, make_settings
from privet.backup import postgres
from privet.backup.errors import BackupError, RestoreRefused
from privet.backup.restore import restore_backup
from privet.backup.take import take_backup
from privet.clock import FixedClock
from privet.policy.schema import Policy
from privet.store.crypto import generate_secret
from privet.store.open import Store
from retention.conftest import Plant


def nothing_written(url: str) -> bool:
    if url.startswith("sqlite"):
        folder = Path(str(make_url(url).database)).parent
        return list(folder.iterdir()) == []
    engine = create_engine(url)
    try:
        return not postgres.holds_anything(engine)
    finally:
        engine.dispose()


def flip_a_byte(backup: Path) -> None:
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0x01
    backup.write_bytes(bytes(data))


def cut_short(backup: Path) -> None:
    backup.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])


@pytest.mark.parametrize(
    ("damage", "said"),
    [(flip_a_byte, "failed authentication"), (cut_short, "cut short")],
    ids=["tampered", "truncated"],
)
def test_a_tampered_or_truncated_backup_is_refused_and_nothing_written(
    *, store: Store, policy: Policy, empty_url: str, tmp_path: Path, clock: FixedClock,
    damage: Callable[[Path], None], said: str,
) -> None:  # fmt: skip
    Plant(store, policy).lead("ann@example.org", NOW)
    backup = tmp_path / "store.backup"
    take_backup(store, KEY, backup, NOW)
    damage(backup)
    with pytest.raises(BackupError, match=said):
        restore_backup(make_settings(tmp_path, empty_url), policy, backup, clock)
    assert nothing_written(empty_url)


def test_a_backup_is_refused_with_another_key_naming_the_one_it_needs(
    store: Store, policy: Policy, empty_url: str, tmp_path: Path, clock: FixedClock
) -> None:
    take_backup(store, KEY, tmp_path / "store.backup", NOW)
    other = make_settings(tmp_path, empty_url, secret_key=generate_secret())
    with pytest.raises(BackupError, match=f"sealed with key {KEY.id}"):
        restore_backup(other, policy, tmp_path / "store.backup", clock)
    assert nothing_written(empty_url)


def test_a_database_that_is_not_empty_is_refused_and_left_as_it_was(
    store: Store, policy: Policy, database_url: str, tmp_path: Path, clock: FixedClock
) -> None:
    plant = Plant(store, policy)
    plant.lead("ann@example.org", NOW)
    take_backup(store, KEY, tmp_path / "store.backup", NOW)
    plant.lead("bob@example.org", NOW)
    before = every_row(store)
    with pytest.raises(RestoreRefused, match="is not empty"):
        restore_backup(make_settings(tmp_path, database_url), policy,
                       tmp_path / "store.backup", clock)  # fmt: skip
    assert every_row(store) == before


def test_a_restore_failing_after_the_data_is_in_leaves_the_database_empty_again(
    store: Store, policy: Policy, empty_url: str, tmp_path: Path, clock: FixedClock
) -> None:
    Plant(store, policy).lead("ann@example.org", NOW)
    take_backup(store, KEY, tmp_path / "store.backup", NOW)
    settings = make_settings(tmp_path, empty_url)
    settings.erasure_ledger.write_text("not a ledger\n")  # read only once the data is in
    with pytest.raises(BackupError, match=":1: not an entry of the erasure ledger"):
        restore_backup(settings, policy, tmp_path / "store.backup", clock)
    assert nothing_written(empty_url)
    settings.erasure_ledger.unlink()  # and the emptied database takes the backup after all
    assert restore_backup(settings, policy, tmp_path / "store.backup", clock).revision
