"""Key rotation: every ciphertext re-encrypted, and every blind index that can be computed
again recomputed, under the current key, a batch at a time.

Each batch is its own short transaction, so privet keeps serving while it runs. No state
is kept: a row is done when its ciphertexts carry the current key's id, which the
database itself can compare, so a rotation that was killed simply resumes. A row changed
by someone else between the read and the write is left alone (the write is conditional
on the ciphertexts read); whoever changed it wrote with the current key.

A blind index is moved wherever the same value is indexed: re-indexing a person's record
also moves their past requests, their staff account and their suppression, and a
visitor's receipts move with their browser links and page views, in one transaction, so
lookups and the joins between those tables agree before, during and after. What holds
only an index, with no ciphertext of that value left anywhere (the suppression of an
erased address, the request of an erased person), keeps the index its key made: lookups
try every key of the ring, which is why older keys stay in it (docs/security.md).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    LargeBinary,
    String,
    Table,
    column,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    table,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import TableClause

import privet.models
from privet.store.crypto import KEY_ID_BYTES, Keyring, SecretKeyError, key_id_of, normalise_email
from privet.store.keys import reseal_check
from privet.store.open import Store
from privet.store.types import Encrypted

log = logging.getLogger(__name__)

BATCH = 500
METADATA = privet.models.Base.metadata
# Every column holding blind indexes of email addresses, and of consent-cookie visitor ids.
EMAILS = (
    "subjects.email_index",
    "staff_users.email_index",
    "data_requests.email_index",
    "marketing_suppressions.email_index",
)
VISITORS = ("consent_receipts.visitor_index", "subject_visitors.visitor_index", "pageviews.visitor")
# Where a moved index can meet a row already filed under the new one (written by a process
# with the new key while the rotation ran): the same fact twice, so the older row goes.
MERGED = frozenset({"marketing_suppressions.email_index", "subject_visitors.visitor_index"})


class RotationFailed(RuntimeError):
    """A row the rotation cannot move; the message names its table and id, never a value."""


def _address(email: str) -> str | None:
    return normalise_email(email) or None  # blank: an erased person's past request


def _visitor(record: str) -> str | None:
    visitor = json.loads(record).get("pii_principal_id")
    return str(visitor) if visitor else None


def _reference(reference: str) -> str | None:
    return reference.casefold()


@dataclass(frozen=True)
class Recomputed:
    """A blind index that can be computed again from a ciphertext in the same row."""

    index: str
    source: str  # the encrypted column holding the value
    value: Callable[[str], str | None]  # what the index is of; None when nothing is left
    moves: tuple[str, ...] = ()  # "table.column"s indexing the same values, moved with it


RECOMPUTED = {
    "subjects": Recomputed("email_index", "email", _address, EMAILS),
    "staff_users": Recomputed("email_index", "email", _address, EMAILS),
    "data_requests": Recomputed("email_index", "email", _address, EMAILS),
    "contracts": Recomputed("reference_index", "reference", _reference),
    "consent_receipts": Recomputed("visitor_index", "record", _visitor, VISITORS),
}


@dataclass
class Rotation:
    key_id: str
    rotated: dict[str, int] = field(default_factory=dict)  # rows re-encrypted, by table
    left: dict[str, int] = field(default_factory=dict)  # rows still under an older key
    # Suppressions of addresses privet holds no record of: those made before the rotation
    # keep the index of the key that made them, which cannot be computed again.
    bare_suppressions: int = 0
    resealed: bool = False

    @property
    def complete(self) -> bool:
        return not any(self.left.values())


def encrypted_tables() -> list[Table]:
    """Every table with an encrypted column, by name."""
    found = [t for t in METADATA.tables.values() if _encrypted(t)]
    return sorted(found, key=lambda t: t.name)


def rotate(
    store: Store, *, batch: int = BATCH, progress: Callable[[str, int], None] | None = None
) -> Rotation:
    """Move everything that can move to the current key; `progress` hears of each table."""
    done = Rotation(store.keyring.key_id)
    for found in encrypted_tables():
        done.rotated[found.name] = _rotate_table(store, found, batch)
        if progress is not None:
            progress(found.name, done.rotated[found.name])
    for found in encrypted_tables():
        if left := sum(len(keys) for keys in _stale_keys(store, found, batch)):
            done.left[found.name] = left
    with store.transaction() as session:
        done.bare_suppressions = _bare_suppressions(session)
        if done.complete:
            reseal_check(session, store.keyring)
            done.resealed = True
    return done


def _encrypted(found: Table) -> list[Column[Any]]:
    return [c for c in found.columns if isinstance(c.type, Encrypted)]


def _raw(found: Table) -> TableClause:
    """The table as stored: ciphertexts as bytes, read and written without the column type
    opening or sealing them."""
    key = _primary_key(found)
    recomputed = RECOMPUTED.get(found.name)
    plain = [column(recomputed.index, String())] if recomputed else []
    sealed = [column(c.name, LargeBinary()) for c in _encrypted(found)]
    return table(found.name, column(key.name, key.type), *sealed, *plain)


def _primary_key(found: Table) -> Column[Any]:
    (key,) = found.primary_key.columns  # every table with personal fields has a random id
    return key


def _stale(store: Store, found: Table, raw: TableClause) -> ColumnElement[bool]:
    """SQL: the row holds a ciphertext an older key wrote (its key id is bytes 2 to 5)."""
    current = literal(store.keyring.current.id, LargeBinary())
    return or_(*(func.substr(raw.c[c.name], 2, KEY_ID_BYTES) != current for c in _encrypted(found)))


def _stale_keys(store: Store, found: Table, batch: int) -> Iterator[list[Any]]:
    """The ids of the rows an older key wrote, `batch` rows looked at a transaction: each
    holds SQLite's write lock only that long, however few rows are left to do."""
    raw, key = _raw(found), _primary_key(found).name
    page = select(raw.c[key], _stale(store, found, raw)).order_by(raw.c[key]).limit(batch)
    after = None
    while True:
        query = page if after is None else page.where(raw.c[key] > after)
        with store.transaction() as session:
            rows = session.execute(query).all()
        yield [row[0] for row in rows if row[1]]
        if len(rows) < batch:
            return
        after = rows[-1][0]


def _rotate_table(store: Store, found: Table, batch: int) -> int:
    raw, key, rotated = _raw(found), _primary_key(found).name, 0
    for keys in _stale_keys(store, found, batch):
        if not keys:
            continue
        with store.transaction() as session:
            query = select(raw).where(raw.c[key].in_(keys), _stale(store, found, raw))
            for row in session.execute(query).all():
                rotated += _rotate_row(session, store.keyring, found, raw, row._mapping)
        log.debug("rotation_batch", extra={"table": found.name, "rows": len(keys)})
    return rotated


def _rotate_row(
    session: Session, keyring: Keyring, found: Table, raw: TableClause, row: Any
) -> int:
    """Re-encrypt one row and re-index it; 0 when someone changed it since it was read."""
    key = _primary_key(found).name
    unchanged = [
        raw.c[c.name].is_(None) if row[c.name] is None else raw.c[c.name] == row[c.name]
        for c in _encrypted(found)
    ]
    try:
        opened = {c.name: _open(keyring, c, row[c.name]) for c in _encrypted(found)}
        values: dict[str, bytes | str] = {
            name: keyring.encrypt(text, _context(found, name))
            for name, text in opened.items()
            if text is not None and key_id_of(row[name]) != keyring.current.id
        }
        values |= _reindexed(session, keyring, found, row, opened)
        written = session.connection().execute(
            update(raw).where(raw.c[key] == row[key], *unchanged).values(values)
        )
    except (SecretKeyError, IntegrityError) as error:
        raise RotationFailed(f"{found.name} row {row[key]}: {_why(error)}") from None
    return written.rowcount


def _open(keyring: Keyring, encrypted: Column[Any], token: bytes | None) -> str | None:
    if token is None:
        return None
    assert isinstance(encrypted.type, Encrypted)
    return keyring.decrypt(bytes(token), encrypted.type.context)


def _context(found: Table, name: str) -> str:
    encrypted = found.c[name].type
    assert isinstance(encrypted, Encrypted)
    return encrypted.context


def _reindexed(
    session: Session, keyring: Keyring, found: Table, row: Any, opened: dict[str, str | None]
) -> dict[str, str]:
    """The row's blind index under the current key, moved wherever the old one is kept."""
    recomputed = RECOMPUTED.get(found.name)
    text = opened.get(recomputed.source) if recomputed else None
    value = recomputed.value(text) if recomputed and text is not None else None
    if recomputed is None or value is None:
        return {}
    old, new = row[recomputed.index], keyring.blind_index(value)
    if old != new:
        for name in recomputed.moves:
            _move(session, name, old, new)
    return {recomputed.index: new}


def _move(session: Session, name: str, old: str, new: str) -> None:
    indexed = _column(name)
    holder = indexed.table
    if name in MERGED:
        newer = holder.alias("newer")
        same = [newer.c[c.name] == c for c in holder.primary_key.columns if c is not indexed]
        twin = exists().where(newer.c[indexed.name] == new, *same)
        session.execute(delete(holder).where(indexed == old, twin))
    session.execute(update(holder).where(indexed == old).values({indexed: new}))


def _why(error: Exception) -> str:
    if isinstance(error, IntegrityError):
        return (
            "its blind index under the new key is another row's already: one address (or "
            "contract reference) recorded twice, probably by a process that had only the "
            "old key; merge the two, then run the rotation again"
        )
    return str(error)


def _bare_suppressions(session: Session) -> int:
    """Suppressions matching no person's or staff member's record: what the rotation
    could not reach (it moves the others with the record)."""
    suppressions = _column("marketing_suppressions.email_index")
    held = [_column("subjects.email_index"), _column("staff_users.email_index")]
    anyone = or_(*(exists().where(index == suppressions) for index in held))
    return session.scalar(select(func.count()).select_from(suppressions.table).where(~anyone)) or 0


def _column(name: str) -> Column[Any]:
    table_name, column_name = name.split(".")
    return METADATA.tables[table_name].c[column_name]
