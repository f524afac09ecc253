"""The daily backup of `privet serve`: a copy a day into PRIVET_BACKUP_DIR, the oldest
beyond PRIVET_BACKUP_KEEP deleted, one server at a time, and officers told of failures.

Each hour checks whether the newest copy is a day old. Only one server backs up at once:
on PostgreSQL the one holding an advisory lock (as for sweeps); on SQLite, one machine by
nature, the one holding an exclusive lock on a file in the folder, which the system lets
go if the process dies. A failure is logged by its class only, and mailed to the officers
at most once a day while it lasts; `privet audit` names a newest copy over 48 hours old.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from privet.admin.service import officer_addresses
from privet.backup.copies import BACKUP_EVERY, copy_path, is_due, prune, remove_leftovers
from privet.backup.errors import BackupError
from privet.backup.keys import configured_key
from privet.backup.take import take_backup
from privet.clock import Clock
from privet.config import Settings
from privet.notify.models import OutboxMessage
from privet.notify.service import queue_email
from privet.policy.schema import Policy
from privet.store.crypto import SecretKeyError
from privet.store.open import Store

log = logging.getLogger(__name__)

BACKUP_LOCK = 0x6261636B  # "back": the PostgreSQL advisory lock key
LOCK_FILE = ".privet-backup.lock"
ALERT = "privet: backups are failing"


class BackupBusy(RuntimeError):
    """Another server is taking the backup; this one did nothing."""


def backup_chore(store: Store, policy: Policy, settings: Settings, clock: Clock) -> None:
    """What `privet serve` runs each hour unless PRIVET_BACKUP_DIR is off."""
    folder, now = settings.backup_dir, clock.now()
    if folder is None or not is_due(folder, now):
        return
    try:
        made = scheduled_backup(store, settings, now)
    except BackupBusy:
        log.info("backup_skipped", extra={"why": "another server is backing up"})
        return
    except Exception as error:  # the next hour tries again; meanwhile, people are told
        log.error("backup_failed", extra={"error": type(error).__name__})
        with store.transaction() as session:
            alert_officers(session, policy, _reason(error), now)
        return
    if made is not None:
        log.info("backup_done", extra={"file": made.name})


def scheduled_backup(store: Store, settings: Settings, now: datetime) -> Path | None:
    """Take today's copy, unless another server just did; its path, or None."""
    folder = settings.backup_dir
    assert folder is not None
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _exclusive(store, folder):
        if not is_due(folder, now):
            return None
        remove_leftovers(folder)
        target = copy_path(folder, now)
        take_backup(store, configured_key(settings), target, now)
        prune(folder, settings.backup_keep)
        return target


def alert_officers(session: Session, policy: Policy, reason: str, now: datetime) -> bool:
    """Mail the officers that backups fail, unless they were told less than a day ago;
    True if mailed. The outbox remembers when they were told, for every server."""
    told = session.scalar(
        select(func.max(OutboxMessage.created_at)).where(OutboxMessage.subject_line == ALERT)
    )
    if told is not None and told > now - BACKUP_EVERY:
        return False
    body = (
        f"The daily backup of {policy.controller.name}'s privet failed: {reason}.\n\n"
        "privet tries again each hour. Until one succeeds, the policy's promise of regular "
        "encrypted backups is not kept, and `privet audit` says so after 48 hours.\n"
    )
    for officer in officer_addresses(session, policy):
        queue_email(session, officer, ALERT, body, now)
    return True


def _reason(error: Exception) -> str:
    # privet's own messages name paths and remedies, never a person; a system error says
    # its class and the system's words; anything else only its class.
    if isinstance(error, BackupError | SecretKeyError):
        return str(error)
    if isinstance(error, OSError) and error.strerror:
        return f"{type(error).__name__}: {error.strerror}"
    return type(error).__name__


@contextlib.contextmanager
def _exclusive(store: Store, folder: Path) -> Iterator[None]:
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect() as connection:
            locked = connection.exec_driver_sql(f"SELECT pg_try_advisory_lock({BACKUP_LOCK})")
            if not locked.scalar():
                raise BackupBusy("another server is backing up")
            try:
                yield
            finally:
                connection.exec_driver_sql(f"SELECT pg_advisory_unlock({BACKUP_LOCK})")
                connection.commit()
        return
    descriptor = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupBusy("another process is backing up") from None
        yield
    finally:
        os.close(descriptor)  # which lets the lock go
