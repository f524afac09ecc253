"""What can go wrong with a backup, said in privet's own words: never a row, a password or
a database driver's message, which may quote either."""

from __future__ import annotations


class BackupError(Exception):
    """A backup or restore did not happen; the message says why and what to do."""


class BackupUnreadable(BackupError):
    """The file is not a backup this key can open: damaged, cut short, or another key's."""


class RestoreRefused(BackupError):
    """The restore would harm the target, so nothing was written."""


class BackupFailed(BackupError):
    """A tool or a check failed while taking or restoring a backup."""
