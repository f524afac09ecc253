"""The backup file: a header, then the snapshot sealed in chunks (AES-256-GCM, STREAM).

    "PRIVETBK" · format version (1 byte) · header length (4 bytes, big-endian) · header
    (JSON) · chunk 0 · chunk 1 · …

The header says what the snapshot is (the database dialect, its Alembic revision, when it
was taken), which key sealed it, and a random salt from which this file's own AES key is
derived, so no two files share a key and the chunk number alone is a unique nonce. Each
chunk is up to 1 MiB of snapshot, sealed with the chunk number as nonce and, as associated
data, the whole header and a flag set on the last chunk only. A changed byte, a chunk
swapped or moved, a file cut short or lengthened, or an edited header, all fail
authentication: nothing unauthenticated is ever written out. Chunks are read and written
one at a time, so a database of many gigabytes never sits in memory.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from privet.backup.errors import BackupUnreadable
from privet.backup.keys import BackupKey

MAGIC = b"PRIVETBK"
VERSION = 1
CHUNK_BYTES = 1 << 20
TAG_BYTES = 16
NONCE_BYTES = 12
SALT_BYTES = 32
MAX_HEADER_BYTES = 64 * 1024
MAX_CHUNK_BYTES = 64 << 20  # a header claiming more is refused before anything is read
LAST, NOT_LAST = b"\x01", b"\x00"


@dataclass(frozen=True)
class Header:
    dialect: str
    revision: str | None
    taken_at: datetime
    key_id: str
    salt: bytes
    chunk_bytes: int = CHUNK_BYTES

    def encode(self) -> bytes:
        body = json.dumps(
            {
                "dialect": self.dialect,
                "revision": self.revision,
                "taken_at": self.taken_at.isoformat(),
                "key_id": self.key_id,
                "salt": self.salt.hex(),
                "chunk_bytes": self.chunk_bytes,
            },
            sort_keys=True,
        ).encode("utf-8")
        return MAGIC + bytes([VERSION]) + len(body).to_bytes(4, "big") + body


def seal(source: IO[bytes], target: IO[bytes], key: BackupKey, header: Header) -> None:
    """Write `header`, then `source` sealed chunk by chunk, to `target`."""
    encoded = header.encode()
    target.write(encoded)
    cipher = _file_cipher(key, header.salt)
    for number, (block, last) in enumerate(_blocks(source, header.chunk_bytes)):
        target.write(cipher.encrypt(_nonce(number), block, encoded + (LAST if last else NOT_LAST)))


def new_header(key: BackupKey, dialect: str, revision: str | None, taken_at: datetime) -> Header:
    return Header(dialect, revision, taken_at, key.id, os.urandom(SALT_BYTES))


def read_header(source: IO[bytes]) -> tuple[Header, bytes]:
    """The header and its bytes, as they are authenticated with every chunk."""
    start = _read_up_to(source, len(MAGIC) + 5)
    if start[: len(MAGIC)] != MAGIC:
        raise BackupUnreadable("this is not a privet backup (it does not start with PRIVETBK)")
    if len(start) < len(MAGIC) + 5:
        raise BackupUnreadable("the backup is cut short inside its header")
    if start[len(MAGIC)] != VERSION:
        raise BackupUnreadable(f"backup format {start[len(MAGIC)]} is not one this privet reads")
    length = int.from_bytes(start[len(MAGIC) + 1 :], "big")
    body = _read_up_to(source, length) if length <= MAX_HEADER_BYTES else b""
    try:
        fields = json.loads(body)
        header = Header(
            fields["dialect"], fields["revision"], datetime.fromisoformat(fields["taken_at"]),
            fields["key_id"], bytes.fromhex(fields["salt"]), int(fields["chunk_bytes"]),
        )  # fmt: skip
    except (ValueError, KeyError, TypeError):
        raise BackupUnreadable("the backup's header is damaged or cut short") from None
    if not 0 < header.chunk_bytes <= MAX_CHUNK_BYTES:
        raise BackupUnreadable("the backup's header is damaged (impossible chunk size)")
    return header, start + body


def unseal(source: IO[bytes], target: IO[bytes], keys: Sequence[BackupKey]) -> Header:
    """Check and decrypt the backup in `source` into `target`; BackupUnreadable, saying
    why, at the first chunk that fails. Only authenticated bytes reach `target`."""
    header, encoded = read_header(source)
    key = next((key for key in keys if key.id == header.key_id), None)
    if key is None:
        known = ", ".join(key.id for key in keys)
        raise BackupUnreadable(
            f"this backup was sealed with key {header.key_id}, and the key set here is "
            f"{known}: set PRIVET_SECRET_KEY or PRIVET_SECRET_KEY_FILE to the key it was "
            "made with"
        )
    cipher = _file_cipher(key, header.salt)
    for number, (block, last) in enumerate(_blocks(source, header.chunk_bytes + TAG_BYTES)):
        target.write(_open_chunk(cipher, number, block, encoded, last=last))
    return header


def _open_chunk(cipher: AESGCM, number: int, block: bytes, header: bytes, *, last: bool) -> bytes:
    flag, other = (LAST, NOT_LAST) if last else (NOT_LAST, LAST)
    try:
        return cipher.decrypt(_nonce(number), block, header + flag)
    except InvalidTag:
        pass
    try:  # Sealed right, but in the wrong place: say how the file was cut or lengthened.
        cipher.decrypt(_nonce(number), block, header + other)
    except InvalidTag:
        raise BackupUnreadable(
            f"chunk {number} of the backup failed authentication: the file was altered, "
            "damaged or cut short"
        ) from None
    if last:
        raise BackupUnreadable(f"the backup is cut short: it ends after chunk {number}")
    raise BackupUnreadable(f"bytes were added after the end of the backup (chunk {number})")


def _file_cipher(key: BackupKey, salt: bytes) -> AESGCM:
    derive = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"privet backup file")
    return AESGCM(derive.derive(key.secret))


def _nonce(number: int) -> bytes:
    return number.to_bytes(NONCE_BYTES, "big")


def _blocks(source: IO[bytes], size: int) -> Iterator[tuple[bytes, bool]]:
    """`source` in blocks of `size`, each with whether it is the last (an empty source is
    one empty last block: even a backup of nothing proves it is complete)."""
    current = _read_up_to(source, size)
    while True:
        following = _read_up_to(source, size)
        yield current, not following
        if not following:
            return
        current = following


def _read_up_to(source: IO[bytes], size: int) -> bytes:
    """`size` bytes, fewer only at the end: a pipe (pg_dump's output) gives what it has."""
    parts, wanted = [], size
    while wanted:
        part = source.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)
