"""Login throttling: too many failed sign-ins for one account, or from one client, and
sign-ins are refused for a while, the right password too.

Failures are rows in the database, so every `privet serve` process counts the same ones.
Each row holds an HMAC of the address tried or of the client's address, under privet's
key, and a time: no address in clear, and an address with no account behind it is
throttled exactly like one with, so throttling tells nobody which accounts exist.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from privet.admin.models import LoginAttempt
from privet.config import Rate
from privet.store.crypto import Keyring, normalise_email


@dataclass(frozen=True)
class Limits:
    account: Rate | None  # None: that limit is off
    client: Rate | None


@dataclass(frozen=True)
class Keys:
    account: str
    client: str


def keys_for(keyring: Keyring, email: str, client: str) -> Keys:
    return Keys(
        account=keyring.sign(f"login account {normalise_email(email)}"),
        client=keyring.sign(f"login client {client}"),
    )


def retry_after(session: Session, limits: Limits, keys: Keys, now: datetime) -> int | None:
    """Seconds until a sign-in may be tried again, or None when it may be tried now."""
    waits = [
        _blocked_for(session, key, rate, now)
        for key, rate in ((keys.account, limits.account), (keys.client, limits.client))
        if rate is not None
    ]
    longest = max((wait for wait in waits if wait is not None), default=None)
    return None if longest is None else max(1, math.ceil(longest.total_seconds()))


def _blocked_for(session: Session, key: str, rate: Rate, now: datetime) -> timedelta | None:
    # The count-th newest failure in the window: while it is in the window, so is the count.
    query = (
        select(LoginAttempt.attempted_at)
        .where(LoginAttempt.key == key, LoginAttempt.attempted_at > now - rate.window)
        .order_by(LoginAttempt.attempted_at.desc())
        .offset(rate.count - 1)
        .limit(1)
    )
    counted = session.scalar(query)
    return None if counted is None else counted + rate.window - now


def record_failure(session: Session, limits: Limits, keys: Keys, now: datetime) -> None:
    session.add_all([LoginAttempt(key=keys.account, attempted_at=now),
                     LoginAttempt(key=keys.client, attempted_at=now)])  # fmt: skip
    windows = [rate.window for rate in (limits.account, limits.client) if rate is not None]
    # What no window can count any more is deleted: the table holds minutes, not history.
    expired = now - max(windows, default=timedelta(0))
    session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at <= expired))


def forget_account(session: Session, keys: Keys) -> None:
    """After a good sign-in the account's count starts again; the client's does not, or one
    account an attacker holds would reset their count for guessing others."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.key == keys.account))
