"""Walking the chain from the first entry to the last, and naming the first bad one.

The walk reads a batch at a time, each in its own short transaction, so millions of
entries take bounded memory and never hold SQLite's write lock for long. Entries are
only ever appended, so a walk that meets new ones at the end simply checks them too.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from sqlalchemy import select

from privet.auditlog.chain import EMPTY, Head, Sealed, chain_keys, seal
from privet.auditlog.models import AuditEntry
from privet.store.open import Store

BATCH = 5000
COLUMNS = (
    AuditEntry.seq, AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.target_kind,
    AuditEntry.target_id, AuditEntry.details, AuditEntry.prev_hash, AuditEntry.hash,
)  # fmt: skip


MOVED = (
    "it neither follows the entry before it nor fits its own place: moved here from "
    "elsewhere (reordered), or rewritten"
)
SPLICED = (
    "a genuine entry, but not the successor of the entry before it: entries were replaced "
    "from another copy of the log"
)
REWRITTEN = "not the entry recorded earlier: the log was cut back and written again from here"


@dataclass(frozen=True)
class Break:
    """The first entry that is not as privet wrote it, and why."""

    seq: int
    reason: str  # edited, deleted, reordered, spliced, truncated
    message: str


@dataclass(frozen=True)
class Verdict:
    head: Head  # the last entry checked and found sound
    checked: int
    broken: Break | None


def verify(store: Store, *, expect: Head | None = None, batch: int = BATCH) -> Verdict:
    """Check every entry; `expect` is a head printed by an earlier verify, which must
    still be on the chain, so entries cut from the end are found too."""
    keys, last, checked = chain_keys(store.keyring), EMPTY, 0
    while True:
        with store.transaction() as session:
            query = select(*COLUMNS).where(AuditEntry.seq > last.seq).order_by(AuditEntry.seq)
            rows = session.execute(query.limit(batch)).all()
        for row in rows:
            broken = _check(keys, row, last) or _against(row, expect)
            if broken is not None:
                return Verdict(last, checked, broken)
            last, checked = Head(row.seq, row.hash), checked + 1
        if len(rows) < batch:
            return Verdict(last, checked, _truncated(last, expect))


def _check(keys: list[bytes], row: Sealed, last: Head) -> Break | None:
    expected = last.seq + 1
    if row.seq != expected:
        missing = str(expected) if row.seq == expected + 1 else f"{expected} to {row.seq - 1}"
        return Break(expected, "deleted", f"entry {missing} is missing: deleted")
    sealed = any(hmac.compare_digest(seal(key, row), row.hash) for key in keys)
    linked = row.prev_hash == last.hash
    if not sealed and linked:
        return Break(row.seq, "edited", "its contents do not match its hash: edited")
    if not sealed:
        return Break(row.seq, "reordered", MOVED)
    if not linked:
        return Break(row.seq, "spliced", SPLICED)
    return None


def _against(row: Sealed, expect: Head | None) -> Break | None:
    if expect is None or row.seq != expect.seq or row.hash == expect.hash:
        return None
    return Break(row.seq, "truncated", REWRITTEN)


def _truncated(last: Head, expect: Head | None) -> Break | None:
    if expect is None or expect.seq <= last.seq:
        return None
    missing = last.seq + 1
    message = f"the log ends at entry {last.seq}, but reached entry {expect.seq} before"
    return Break(missing, "truncated", f"{message}: entries {missing} to {expect.seq} were deleted")
