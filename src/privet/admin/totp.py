"""Time-based one-time codes (RFC 6238: HMAC-SHA-1, 30-second steps, 6 digits), the second
factor authenticator apps show. A few lines of hmac, so no dependency for it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
# A code from the step before or after is accepted too: phone clocks drift, people type slowly.
DRIFT_STEPS = 1
ISSUER = "privet"


def new_secret() -> str:
    """160 random bits (RFC 4226's recommended length), in the base32 apps expect."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def step_at(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def code_at(secret: str, step: int, digits: int = DIGITS) -> str:
    """The code for one step: RFC 4226's HOTP with the step as counter."""
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, step.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def matching_step(secret: str, code: str, moment: datetime, after: int | None) -> int | None:
    """The step `code` is right for, within the drift allowed and later than `after` (the
    step last used, so a code seen once is never good again), or None."""
    now = step_at(moment)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if (after is None or step > after) and hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str) -> str:
    """The otpauth:// URI an authenticator app reads (usually from a QR code)."""
    label = quote(f"{ISSUER}:{account}")
    query = urlencode({"secret": secret, "issuer": ISSUER, "algorithm": "SHA1",
                       "digits": DIGITS, "period": STEP_SECONDS})  # fmt: skip
    return f"otpauth://totp/{label}?{query}"
