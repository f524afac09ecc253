"""The erasure ledger: every erasure and unsubscribe noted outside the database, so no
restore undoes it.

A backup taken before a person was erased, or unsubscribed, still holds them as they were,
and restoring it would bring them back. The restored database cannot know what happened
after its backup, so each erasure and unsubscribe is first appended here, and the file
forced to disk, before it commits; a restore then makes every one of them again. One JSON
object a line: when, the id of the key, the blind index of the address (never the
address), and the request answered (an erasure) or the reason (an unsubscribe).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from privet.backup.errors import BackupFailed


@dataclass(frozen=True)
class Entry:
    """An erasure."""

    at: datetime
    key_id: str
    email_index: str
    request: uuid.UUID | None

    def line(self) -> bytes:
        return _line(self, kind="erasure", request=str(self.request) if self.request else None)


@dataclass(frozen=True)
class Unsubscribe:
    """Marketing to an address ended: an unsubscribe, or an objection to marketing."""

    at: datetime
    key_id: str
    email_index: str
    reason: str  # the suppression's reason code: unsubscribe, objection

    def line(self) -> bytes:
        # No "request" field: a privet older than unsubscribes in the ledger refuses the
        # line (FILE:LINE) instead of taking it for an erasure.
        return _line(self, kind="unsubscribe", reason=self.reason)


@dataclass(frozen=True)
class ErasureLedger:
    """Every erasure, and every marketing unsubscribe too: named, as its setting
    PRIVET_ERASURE_LEDGER is, for what it held first."""

    path: Path

    def append(self, entry: Entry | Unsubscribe) -> None:
        """Add `entry`, on disk before this returns; several processes may append at once
        (one write of a short line to a file opened for appending is never interleaved)."""
        created = not self.path.exists()
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, entry.line())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        if created:  # the new file's name must survive a power cut too
            folder = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)

    def entries(self) -> Iterator[Entry | Unsubscribe]:
        """Every entry, oldest first. A last line cut short was never acknowledged (the
        process died while writing it, before what it notes could commit): it is skipped."""
        if not self.path.exists():
            return
        with self.path.open("rb") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.endswith(b"\n"):
                    return
                yield self._parse(number, line)

    def erasures(self) -> Iterator[Entry]:
        return (entry for entry in self.entries() if isinstance(entry, Entry))

    def unsubscribes(self) -> Iterator[Unsubscribe]:
        return (entry for entry in self.entries() if isinstance(entry, Unsubscribe))

    def _parse(self, number: int, line: bytes) -> Entry | Unsubscribe:
        try:
            fields = json.loads(line)
            noted = datetime.fromisoformat(fields["at"]), str(fields["key"]), str(fields["index"])
            kind = fields.get("kind", "erasure")  # lines written before unsubscribes had none
            if kind == "erasure":
                request = fields["request"]
                return Entry(*noted, uuid.UUID(request) if request else None)
            if kind == "unsubscribe":
                return Unsubscribe(*noted, str(fields["reason"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            pass
        raise BackupFailed(f"{self.path}:{number}: not an entry of the erasure ledger")


def _line(entry: Entry | Unsubscribe, **fields: str | None) -> bytes:
    common = {"at": entry.at.isoformat(), "key": entry.key_id, "index": entry.email_index}
    return json.dumps(common | fields, sort_keys=True).encode("ascii") + b"\n"
