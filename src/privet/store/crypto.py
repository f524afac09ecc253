"""Field encryption (AES-256-GCM) and blind indexes (HMAC-SHA256) under one secret key.

The secret is never used directly: HKDF derives one key per use, so the blind index key
cannot decrypt anything and the encryption key cannot forge an index. Each ciphertext
starts with the id of the key that made it, so a keyring holding old keys can still read
what they wrote while a rotation is under way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SECRET_BYTES = 32
FORMAT_VERSION = b"\x01"
NONCE_BYTES = 12
KEY_ID_BYTES = 4


class SecretKeyError(Exception):
    """The secret key is missing, malformed, or not the one the data was written with."""


def generate_secret() -> str:
    return base64.urlsafe_b64encode(os.urandom(SECRET_BYTES)).decode("ascii")


def decode_secret(text: str) -> bytes:
    try:
        secret = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        secret = b""
    if len(secret) != SECRET_BYTES:
        raise SecretKeyError(
            f"a secret key is {SECRET_BYTES} random bytes in URL-safe base64 "
            "(make one with `privet key generate`)"
        )
    return secret


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret)


class Key:
    """The keys derived from one secret, computed once."""

    def __init__(self, secret: bytes) -> None:
        self.id = _derive(secret, b"privet key id")[:KEY_ID_BYTES]
        self.cipher = AESGCM(_derive(secret, b"privet field encryption v1"))
        self.index_key = _derive(secret, b"privet blind index v1")
        self.signing_key = _derive(secret, b"privet signing v1")


class Keyring:
    """The current key, which writes, and older keys, which can still read."""

    def __init__(self, current: bytes, *older: bytes) -> None:
        # Newest first: lookups try the key most rows carry before the ones a rotation left.
        self._by_id: dict[bytes, Key] = {}
        for secret in (current, *older):
            key = Key(secret)
            self._by_id.setdefault(key.id, key)
        self.keys = tuple(self._by_id.values())
        self.current = self.keys[0]

    @property
    def key_id(self) -> str:
        return self.current.id.hex()

    @property
    def key_ids(self) -> list[str]:
        """Every key's id, current first."""
        return [key.id.hex() for key in self.keys]

    def encrypt(self, plaintext: str, context: str) -> bytes:
        """`context` names the column, so a ciphertext moved to another column won't open."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self.current.cipher.encrypt(nonce, plaintext.encode("utf-8"), context.encode())
        return FORMAT_VERSION + self.current.id + nonce + sealed

    def decrypt(self, token: bytes, context: str) -> str:
        version, key_id = token[:1], key_id_of(token)
        key = self._by_id.get(key_id)
        if version != FORMAT_VERSION or key is None:
            raise SecretKeyError(f"data written with key {key_id.hex()}, which this keyring lacks")
        nonce = token[1 + KEY_ID_BYTES : 1 + KEY_ID_BYTES + NONCE_BYTES]
        try:
            opened = key.cipher.decrypt(
                nonce, token[1 + KEY_ID_BYTES + NONCE_BYTES :], context.encode()
            )
        except InvalidTag:
            raise SecretKeyError(f"stored value for {context} failed authentication") from None
        return opened.decode("utf-8")

    def blind_index(self, value: str) -> str:
        """A keyed hash to look a value up by, without storing the value in clear."""
        return _index(self.current, value)

    def blind_indexes(self, value: str) -> list[str]:
        """`value`'s index under every key, current first: what a lookup must match while
        rows a rotation has not reached yet (or cannot reach) carry an older key's index."""
        return [_index(key, value) for key in self.keys]

    def sign(self, message: str) -> str:
        """A MAC over `message`, for values privet hands out and must trust on return."""
        return _mac(self.current, message)

    def verify(self, message: str, signature: str) -> bool:
        """Whether any key of the ring signed `message`: links in old mail keep working."""
        return any(hmac.compare_digest(_mac(key, message), signature) for key in self.keys)


def key_id_of(token: bytes) -> bytes:
    """The id of the key that wrote a ciphertext, read without opening it."""
    return token[1 : 1 + KEY_ID_BYTES]


def _index(key: Key, value: str) -> str:
    return hmac.new(key.index_key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def _mac(key: Key, message: str) -> str:
    return hmac.new(key.signing_key, message.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def normalise_email(address: str) -> str:
    """The form of an address that its blind index is computed from.

    Case is folded for the whole address: mail providers treat the local part
    case-insensitively in practice, and a person who typed "Ann@" once and "ann@" later
    is one person.
    """
    return unicodedata.normalize("NFC", address.strip()).casefold()
