"""Finding the secret keys, making one on first run, adding one, and refusing keys that
don't fit.

The key file holds one key a line, newest first: the first encrypts and indexes, the
others only read what they wrote (a key rotation, docs/security.md#key-rotation).
"""

from __future__ import annotations

import logging
import os
import re
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from privet.config import Settings
from privet.store.crypto import Keyring, SecretKeyError, decode_secret, generate_secret
from privet.store.models import KeyCheck

log = logging.getLogger(__name__)

CHECK_PLAINTEXT = "privet key check"
CHECK_CONTEXT = "store_key_check.sealed"
BACKUP_ADVICE = (
    "back this key up apart from the database: without it no personal field can ever be read again"
)
_SEPARATORS = re.compile(r"[\s,]+")


def read_secrets(settings: Settings) -> tuple[list[bytes], bool]:
    """The secrets, current first, and whether the current one was generated just now.

    From PRIVET_SECRET_KEY, else the key file, made on first run; PRIVET_OLD_SECRET_KEYS
    adds older keys after either.
    """
    older = [decode_secret(text) for text in _SEPARATORS.split(settings.old_secret_keys) if text]
    if settings.secret_key:
        return [decode_secret(settings.secret_key), *older], False
    key_file = settings.secret_key_file
    if key_file.exists():
        if key_file.stat().st_mode & 0o077:
            log.warning("key_file_readable_by_others", extra={"path": str(key_file)})
        return [*_parse(key_file, key_file.read_text(encoding="ascii")), *older], False
    text = generate_secret()
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(text + "\n")
    log.warning(
        "secret_key_generated", extra={"path": str(key_file.resolve()), "advice": BACKUP_ADVICE}
    )
    return [decode_secret(text), *older], True


def add_key(key_file: Path) -> Keyring:
    """Put a new key at the top of `key_file`, the older ones kept below it to read with;
    the keyring the file then makes.

    Written to a new file, forced to disk, then renamed over the old one: a crash leaves
    the old file or the new one, never half of either.
    """
    existing = key_file.read_text(encoding="ascii")
    older = _parse(key_file, existing)
    text = generate_secret()
    _replace(key_file, f"{text}\n{existing.rstrip()}\n")
    return Keyring(decode_secret(text), *older)


def _parse(key_file: Path, text: str) -> list[bytes]:
    """The keys of a key file, newest first; blank lines and `#` comments are skipped."""
    secrets = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            try:
                secrets.append(decode_secret(line))
            except SecretKeyError as error:  # the message never holds the line itself
                raise SecretKeyError(f"{key_file}:{number}: {error}") from None
    if not secrets:
        raise SecretKeyError(f"{key_file} holds no key (make one with `privet key generate`)")
    return secrets


def _replace(path: Path, text: str) -> None:
    new = path.with_name(f".{path.name}.{os.getpid()}.new")
    descriptor = os.open(new, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(new, path)
    except BaseException:
        new.unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)  # the rename itself must survive a power cut
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def verify_key(session: Session, keyring: Keyring, now: datetime) -> None:
    """Refuse to go on with keys other than the ones this database was written with.

    A wrong key would otherwise write rows that nobody can ever decrypt. Any key of the
    ring will do: during a rotation the check value is still sealed under the old one.
    """
    check = session.scalars(select(KeyCheck)).first()
    if check is None:
        check = _first_check(session, keyring, now)
        if check is None:
            return
    try:
        keyring.decrypt(check.sealed, CHECK_CONTEXT)
    except SecretKeyError:
        ids = keyring.key_ids
        these = f"key (id {ids[0]}) is" if len(ids) == 1 else f"keys (ids {', '.join(ids)}) are"
        raise SecretKeyError(
            f"the secret {these} not the one this database was written with (id "
            f"{check.key_id}): set PRIVET_SECRET_KEY or PRIVET_SECRET_KEY_FILE to that key; "
            "refusing to start rather than write data nobody could read"
        ) from None


def _first_check(session: Session, keyring: Keyring, now: datetime) -> KeyCheck | None:
    """Write the check value of a new database; None when this process wrote it.

    Two servers started together on a new PostgreSQL database both find no check value;
    the second insert waits for the first and fails on the key, and then reads the
    winner's value, to be checked like any other."""
    sealed = keyring.encrypt(CHECK_PLAINTEXT, CHECK_CONTEXT)
    try:
        with session.begin_nested():
            session.add(KeyCheck(id=1, key_id=keyring.key_id, sealed=sealed, created_at=now))
    except IntegrityError:
        return session.scalars(select(KeyCheck)).one()
    return None


def reseal_check(session: Session, keyring: Keyring) -> None:
    """Seal the check value under the current key, once no data needs an older one to be
    read: from then on a process started with only an older key is refused."""
    sealed = keyring.encrypt(CHECK_PLAINTEXT, CHECK_CONTEXT)
    session.execute(update(KeyCheck).values(key_id=keyring.key_id, sealed=sealed))
