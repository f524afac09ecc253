"""The erasure ledger: every erasure noted outside the database, so no restore undoes it.

A backup taken before a person was erased still holds them, and restoring it would bring
them back. The restored database cannot know what happened after its backup, so each
erasure is first appended here, and the file forced to disk, before the erasure commits;
a restore then erases everyone in the ledger again. One JSON object a line: when, the id
of the key, the blind index of the address (never the address), and the request answered.
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
    at: datetime
    key_id: str
    email_index: str
    request: uuid.UUID | None

    def line(self) -> bytes:
        fields = {
            "at": self.at.isoformat(),
            "key": self.key_id,
            "index": self.email_index,
            "request": str(self.request) if self.request else None,
        }
        return json.dumps(fields, sort_keys=True).encode("ascii") + b"\n"


@dataclass(frozen=True)
class ErasureLedger:
    path: Path

    def append(self, entry: Entry) -> None:
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

    def entries(self) -> Iterator[Entry]:
        """Every entry, oldest first. A last line cut short was never acknowledged (the
        process died while writing it, before its erasure could commit): it is skipped."""
        if not self.path.exists():
            return
        with self.path.open("rb") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.endswith(b"\n"):
                    return
                yield self._parse(number, line)

    def _parse(self, number: int, line: bytes) -> Entry:
        try:
            fields = json.loads(line)
            request = fields["request"]
            return Entry(
                datetime.fromisoformat(fields["at"]), str(fields["key"]), str(fields["index"]),
                uuid.UUID(request) if request else None,
            )  # fmt: skip
        except (ValueError, KeyError, TypeError):
            raise BackupFailed(
                f"{self.path}:{number}: not an entry of the erasure ledger"
            ) from None
