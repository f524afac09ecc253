"""The daily backup of `privet serve`: once a day, the newest copies kept, one server at a
time, officers told when it fails, and `privet audit` watching it."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from conftest import NOW, make_settings
from privet.backup.copies import copies
from privet.backup.schedule import (
    ALERT,
    BACKUP_LOCK,
    LOCK_FILE,
    BackupBusy,
    backup_chore,
    scheduled_backup,
)
from privet.clock import FixedClock
from privet.config import Settings
from privet.notify.models import OutboxMessage
from privet.policy.schema import Policy
from privet.retention.audit import run_audit
from privet.store.open import Store

HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def test_serve_backs_up_once_a_day_and_keeps_the_newest_copies(
    store: Store, policy: Policy, database_url: str, tmp_path: Path, clock: FixedClock
) -> None:
    settings = make_settings(tmp_path, database_url, backup_keep=2)
    for step in (HOUR, 23 * HOUR, DAY, timedelta(0)):  # one pass each hour would do the same
        backup_chore(store, policy, settings, clock)
        clock.advance(step)
    assert settings.backup_dir is not None
    taken = [when for when, _ in copies(settings.backup_dir)]
    assert taken == [NOW + DAY, NOW + 2 * DAY]  # the first, beyond 2, was deleted
    left = sorted(path.name for path in settings.backup_dir.iterdir() if path.name != LOCK_FILE)
    assert left == ["privet-20261124T120000Z.backup", "privet-20261125T120000Z.backup"]


@contextlib.contextmanager
def another_server_backing_up(store: Store, folder: Path) -> Iterator[None]:
    """Hold the lock the way a second `privet serve` would."""
    if store.engine.dialect.name == "postgresql":
        other = create_engine(store.engine.url)
        with other.connect() as connection:
            connection.exec_driver_sql(f"SELECT pg_advisory_lock({BACKUP_LOCK})")
            yield
            # Released explicitly: a closed connection's lock goes only when its server
            # process notices, which a test must not race.
            connection.exec_driver_sql(f"SELECT pg_advisory_unlock({BACKUP_LOCK})")
        other.dispose()
        return
    folder.mkdir()
    descriptor = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    yield
    os.close(descriptor)


def test_only_one_server_backs_up_at_a_time(
    store: Store, database_url: str, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, database_url)
    assert settings.backup_dir is not None
    with another_server_backing_up(store, settings.backup_dir):
        with pytest.raises(BackupBusy):
            scheduled_backup(store, settings, NOW)
        assert copies(settings.backup_dir) == []
    assert scheduled_backup(store, settings, NOW) is not None
    assert scheduled_backup(store, settings, NOW + HOUR) is None  # today's is there already


def alerts(store: Store) -> list[OutboxMessage]:
    with store.transaction() as session:
        query = select(OutboxMessage).where(OutboxMessage.subject_line == ALERT)
        return list(session.scalars(query))


def test_a_failing_backup_is_logged_and_mailed_to_the_officers_once_a_day(
    *, store: Store, policy: Policy, database_url: str, tmp_path: Path, clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    (tmp_path / "a-file").write_text("")
    settings = make_settings(tmp_path, database_url, backup_dir=tmp_path / "a-file" / "backups")
    backup_chore(store, policy, settings, clock)
    clock.advance(HOUR)
    backup_chore(store, policy, settings, clock)  # fails again: no second mail today
    (mail,) = alerts(store)
    assert mail.recipient == policy.rights.contact  # no officer set up yet
    assert "failed: NotADirectoryError" in mail.body
    failures = [record for record in caplog.records if record.getMessage() == "backup_failed"]
    assert [record.__dict__["error"] for record in failures] == ["NotADirectoryError"] * 2
    clock.advance(DAY)
    backup_chore(store, policy, settings, clock)
    assert len(alerts(store)) == 2


def backup_findings(store: Store, policy: Policy, settings: Settings, hours: int) -> list[str]:
    with store.transaction() as session:
        found = run_audit(session, policy, NOW + hours * HOUR, settings)
    return [finding.message for finding in found if finding.check == "backups"]


def test_the_audit_names_backups_promised_but_not_scheduled_or_stopped(
    store: Store, policy: Policy, database_url: str, tmp_path: Path
) -> None:
    unscheduled = make_settings(tmp_path, database_url, backup_dir="off")
    assert backup_findings(store, policy, unscheduled, 0) == [
        "backups promised but not scheduled: the policy says encrypted_backups, and "
        "PRIVET_BACKUP_DIR is off"
    ]
    unpromised = policy.model_copy(
        update={"security": policy.security.model_copy(update={"encrypted_backups": False})}
    )
    assert backup_findings(store, unpromised, unscheduled, 0) == []
    scheduled = make_settings(tmp_path, database_url)
    assert backup_findings(store, policy, scheduled, 47) == []
    assert backup_findings(store, policy, scheduled, 49) == [
        "no backup has been taken in the 49 hours since the store began"
    ]
    scheduled_backup(store, scheduled, NOW + 49 * HOUR)
    assert backup_findings(store, policy, scheduled, 49) == []
    assert backup_findings(store, policy, scheduled, 98)[0].endswith(
        "is 49 hours old: backups have stopped"
    )
