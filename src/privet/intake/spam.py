"""Spam protection with no third party: a honeypot, a minimum fill time, a rate limit.

The rate limit counts by a keyed hash of the address, held in memory only: the IP
address itself is never stored, logged or written anywhere.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

from privet.store.crypto import Keyring

HONEYPOT = "privet_website"  # hidden from people; bots fill in anything called "website"
STARTED = "privet_started"  # signed time the form was shown
RETURN = "privet_return"  # where a plain HTML form sends the visitor back to
RESERVED = {HONEYPOT, STARTED, RETURN}
MIN_FILL_TIME = timedelta(seconds=3)
MAX_FORM_AGE = timedelta(days=1)


def form_token(keyring: Keyring, form: str, now: datetime) -> str:
    stamp = str(int(now.timestamp()))
    return f"{stamp}.{keyring.sign(f'form {form} {stamp}')}"


def token_problem(keyring: Keyring, form: str, token: str, now: datetime) -> str | None:
    """Why `token` is not a fair sign of a person filling in `form`, or None."""
    stamp, _, signature = token.partition(".")
    if not stamp.isdigit() or not keyring.verify(f"form {form} {stamp}", signature):
        return "the form is damaged: reload the page"
    age = now - datetime.fromtimestamp(int(stamp), now.tzinfo)
    if age < MIN_FILL_TIME:
        return "sent too quickly after the form was shown: please try again"
    if age > MAX_FORM_AGE:
        return "the form has expired: reload the page"
    return None


class RateLimit:
    """At most `limit` submissions per `window` from one address, in this process."""

    def __init__(
        self, keyring: Keyring, limit: int = 10, window: timedelta = timedelta(minutes=10)
    ):
        self.keyring, self.limit, self.window = keyring, limit, window
        self._seen: dict[str, deque[datetime]] = {}

    def allow(self, address: str, now: datetime) -> bool:
        key = self.keyring.sign(f"rate {address}")
        times = self._seen.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        self._forget_idle(now)
        return True

    def _forget_idle(self, now: datetime) -> None:
        # Keeps memory bounded by the addresses seen within one window.
        if len(self._seen) > 10_000:
            cutoff = now - self.window
            self._seen = {k: v for k, v in self._seen.items() if v and v[-1] > cutoff}
