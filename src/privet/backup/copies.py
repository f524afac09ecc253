"""The scheduled copies in PRIVET_BACKUP_DIR: named by when they were taken, newest kept.

The time is in the name, not read from the file's dates, which a copy to another disk
changes: `privet-20261123T120000Z.backup`.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

PREFIX, SUFFIX = "privet-", ".backup"
STAMP = "%Y%m%dT%H%M%SZ"
BACKUP_EVERY = timedelta(days=1)


def copy_path(folder: Path, taken_at: datetime) -> Path:
    return folder / f"{PREFIX}{taken_at.astimezone(UTC):{STAMP}}{SUFFIX}"


def copies(folder: Path) -> list[tuple[datetime, Path]]:
    """The copies in `folder`, oldest first; other files are left alone."""
    found = []
    for path in folder.glob(f"{PREFIX}*{SUFFIX}"):
        stamp = path.name[len(PREFIX) : -len(SUFFIX)]
        try:
            found.append((datetime.strptime(stamp, STAMP).replace(tzinfo=UTC), path))
        except ValueError:
            continue  # named like a copy by someone else: not ours to count or delete
    return sorted(found)


def newest(folder: Path) -> datetime | None:
    found = copies(folder)
    return found[-1][0] if found else None


def is_due(folder: Path, now: datetime) -> bool:
    last = newest(folder)
    return last is None or last <= now - BACKUP_EVERY


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete the oldest copies beyond the newest `keep`; the ones deleted."""
    found = copies(folder)
    gone = [path for _, path in found[: max(len(found) - keep, 0)]]
    for path in gone:
        path.unlink()
    return gone


def remove_leftovers(folder: Path) -> None:
    """Delete what a backup killed halfway left; only while holding the backup lock, when
    no other backup can be writing."""
    for path in folder.glob(".privet-*.partial"):
        path.unlink(missing_ok=True)
    for path in folder.glob(".privet-snapshot-*"):
        shutil.rmtree(path, ignore_errors=True)
