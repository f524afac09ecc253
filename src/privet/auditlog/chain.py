"""The hash chain: what an entry's hash covers, and under which key.

Each hash is an HMAC-SHA256 over the entry's canonical JSON, its sequence number and the
previous entry's hash included. The key is derived from privet's secret key for this use
alone, so someone with only the database can neither forge an entry nor rewrite the chain
consistently after an edit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from privet.store.crypto import Keyring

# What the first entry's prev_hash holds: no entry came before it.
GENESIS = "0" * 64
_HEAD = re.compile(r"(\d+):([0-9a-f]{64})")


class Sealable(Protocol):
    """An entry as stored or as read back in a row: the fields its hash covers."""

    @property
    def seq(self) -> int: ...
    @property
    def at(self) -> datetime: ...
    @property
    def actor(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def target_kind(self) -> str | None: ...
    @property
    def target_id(self) -> str | None: ...
    @property
    def details(self) -> str: ...
    @property
    def prev_hash(self) -> str: ...


class Sealed(Sealable, Protocol):
    @property
    def hash(self) -> str: ...


@dataclass(frozen=True)
class Head:
    """The last entry: its number and hash. Kept outside the database, it shows whether
    entries were later cut from the end, which the chain alone cannot."""

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Head:
        found = _HEAD.fullmatch(text.strip())
        if found is None:
            raise ValueError("a head is SEQ:HASH, the hash 64 hex digits, as verify prints it")
        return cls(int(found.group(1)), found.group(2))


EMPTY = Head(0, GENESIS)


def chain_key(keyring: Keyring) -> bytes:
    """Derived from the signing key, itself derived from the secret: one key, one use."""
    return chain_keys(keyring)[0]


def chain_keys(keyring: Keyring) -> list[bytes]:
    """The chain key of every key of the ring, current first. Entries are never rewritten,
    so those sealed before a key rotation stay sealed under the older key, which verifies
    them for as long as it is kept (docs/security.md#key-rotation)."""
    return [_derived(key.signing_key) for key in keyring.keys]


def _derived(signing_key: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"privet audit log v1")
    return hkdf.derive(signing_key)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def seal(key: bytes, entry: Sealable) -> str:
    message = canonical_json(
        {
            "seq": entry.seq,
            "at": entry.at.isoformat(timespec="microseconds"),
            "actor": entry.actor,
            "action": entry.action,
            "target_kind": entry.target_kind,
            "target_id": entry.target_id,
            "details": entry.details,
            "prev_hash": entry.prev_hash,
        }
    )
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()
