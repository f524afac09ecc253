"""Appending to the audit log, inside the caller's transaction, and reading it back.

An entry is written in the same transaction as the action it records: both commit, or
neither. Appends are serialised, so two processes never both take the next number: on
PostgreSQL by a transaction-scoped advisory lock; on SQLite by the write lock every
privet transaction takes up front (BEGIN IMMEDIATE, see store/engine.py). Record as the
last step of a transaction, since the lock is held until it commits.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from privet.auditlog.chain import EMPTY, Head, canonical_json, chain_key, seal
from privet.auditlog.models import AuditEntry
from privet.store.types import keyring_of

ACTIONS = frozenset(
    {
        "login",  # a staff member signed in
        "login_failed",  # a sign-in was refused; the address tried is not recorded
        "totp_enabled",  # a staff member's second factor was turned on
        "totp_disabled",
        "password_set",  # a staff member's password was replaced; their sessions ended
        "token_revoked",  # an API token was revoked
        "view",  # staff saw personal data decrypted
        "export",  # a person's data was gathered into an export
        "erase",  # a person's data was erased
        "rectify",  # an officer's corrections were applied to a person's data
        "restrict",  # a person's data was restricted (kept, not used)
        "object",  # a person objected to marketing: their address is suppressed
        "refuse",  # an officer refused a request, with the reason the requester is told
        "hold_placed",
        "hold_lifted",
        "sweep",  # a retention sweep ran, with counts per rule
        "policy_published",
        "key_rotated",  # `privet rotate-key` re-encrypted personal data under a new key
    }
)
AUTOMATIC, SHELL, ANONYMOUS = "privet", "cli", "anonymous"
APPEND_LOCK = 0x61756469  # "audi": the PostgreSQL advisory lock key
MAX_TEXT = 100

Actor = uuid.UUID | str
Target = tuple[str, uuid.UUID | str]


class NotAuditable(ValueError):
    """A call that would put something other than ids and counts in the log: a bug."""


def record(
    session: Session,
    actor: Actor,
    action: str,
    now: datetime,
    *,
    target: Target | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry for `action`; `target` names a kind and an id, never a person."""
    if action not in ACTIONS:
        raise NotAuditable(f"'{action}' is not an audit log action")
    kind, target_id = (target[0], str(target[1])) if target else (None, None)
    body = canonical_json(_checked(dict(details or {})))
    _lock(session)
    last = head(session)
    entry = AuditEntry(
        seq=last.seq + 1, at=now.astimezone(UTC), actor=str(actor), action=action,
        target_kind=kind, target_id=target_id, details=body, prev_hash=last.hash,
    )  # fmt: skip
    entry.hash = seal(chain_key(keyring_of(session.get_bind().dialect)), entry)
    session.add(entry)
    session.flush()
    return entry


def _lock(session: Session) -> None:
    # Under READ COMMITTED (the default) the next statement sees the entry the previous
    # holder committed; REPEATABLE READ would not, and would fork the chain.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_LOCK})


def _checked(details: dict[str, Any]) -> dict[str, Any]:
    """Counts, flags and short names only: a value that could be an address is refused."""
    for name, value in details.items():
        if isinstance(value, Mapping):
            _checked(dict(value))
        elif isinstance(value, str) and (len(value) > MAX_TEXT or "@" in value):
            raise NotAuditable(f"details.{name}: only short names, never a personal value")
        elif not isinstance(value, str | int | bool) and value is not None:
            raise NotAuditable(f"details.{name}: a count, a flag or a short name")
    return details


def head(session: Session) -> Head:
    query = select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    last = session.execute(query).first()
    return Head(last.seq, last.hash) if last else EMPTY


def recent(
    session: Session, *, action: str | None = None, since: datetime | None = None, limit: int = 50
) -> list[AuditEntry]:
    """The newest entries first, of one action and from a time if asked."""
    query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if action:
        query = query.where(AuditEntry.action == action)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    return list(session.scalars(query))


def details_of(entry: AuditEntry) -> str:
    """The details as `name=value` pairs, for tables."""
    loaded = json.loads(entry.details)
    return ", ".join(f"{name}={_flat(value)}" for name, value in loaded.items())


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{name}={_flat(inner)}" for name, inner in value.items()) + "}"
    return str(value)
