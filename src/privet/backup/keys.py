"""The key that seals backups: derived from privet's secret for that use only.

The field keys and the blind index key cannot open a backup, nor this key a field. A
backup is useless without the secret key, which is why the key file must be kept apart
from the backups.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from privet.config import Settings
from privet.store.crypto import Key, SecretKeyError
from privet.store.keys import read_secrets

PURPOSE = b"privet backup v1"


@dataclass(frozen=True)
class BackupKey:
    # The secret's id, the one the store's key check and its error messages name.
    id: str
    secret: bytes


def backup_key(secret: bytes) -> BackupKey:
    # HKDF as crypto.py derives the field keys, under a purpose of its own.
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(secret)
    return BackupKey(Key(secret).id.hex(), derived)


def configured_key(settings: Settings) -> BackupKey:
    """The current secret's backup key, which seals new backups."""
    return configured_keys(settings)[0]


def configured_keys(settings: Settings) -> list[BackupKey]:
    """Every configured secret's backup key, current first: a backup sealed before a key
    rotation opens while its key is kept as an older one. Never a new secret, which could
    open nothing."""
    if not settings.secret_key and not settings.secret_key_file.exists():
        raise SecretKeyError(
            f"no secret key: set PRIVET_SECRET_KEY, or PRIVET_SECRET_KEY_FILE (now "
            f"{settings.secret_key_file}), to the key the database was written with"
        )
    secrets, _ = read_secrets(settings)
    return [backup_key(secret) for secret in secrets]
