"""Finding the secret key, making one on first run, and refusing a key that doesn't fit."""

from __future__ import annotations

import logging
import os
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from privet.store.crypto import Keyring, SecretKeyError, decode_secret, generate_secret
from privet.store.models import KeyCheck

log = logging.getLogger(__name__)

CHECK_PLAINTEXT = "privet key check"
CHECK_CONTEXT = "store_key_check.sealed"


def read_secret(secret: str | None, key_file: Path) -> tuple[bytes, bool]:
    """The secret from the environment or the key file, making the file on first run.

    Returns the secret and whether it was generated just now.
    """
    if secret:
        return decode_secret(secret), False
    if key_file.exists():
        if key_file.stat().st_mode & 0o077:
            log.warning("key_file_readable_by_others", extra={"path": str(key_file)})
        return decode_secret(key_file.read_text(encoding="ascii")), False
    text = generate_secret()
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(text + "\n")
    log.warning(
        "secret_key_generated",
        extra={
            "path": str(key_file.resolve()),
            "advice": "back this key up apart from the database: without it no personal "
            "field can ever be read again",
        },
    )
    return decode_secret(text), True


def verify_key(session: Session, keyring: Keyring, now: datetime) -> None:
    """Refuse to go on with a key other than the one this database was written with.

    A wrong key would otherwise write rows that nobody can ever decrypt.
    """
    check = session.scalars(select(KeyCheck)).first()
    if check is None:
        sealed = keyring.encrypt(CHECK_PLAINTEXT, CHECK_CONTEXT)
        session.add(KeyCheck(id=1, key_id=keyring.key_id, sealed=sealed, created_at=now))
        return
    try:
        keyring.decrypt(check.sealed, CHECK_CONTEXT)
    except SecretKeyError:
        raise SecretKeyError(
            f"the secret key (id {keyring.key_id}) is not the one this database was "
            f"written with (id {check.key_id}): set PRIVET_SECRET_KEY or "
            "PRIVET_SECRET_KEY_FILE to that key; refusing to start rather than write "
            "data nobody could read"
        ) from None
