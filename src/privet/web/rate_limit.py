"""Per-client limits on the public endpoints: a token bucket a client, in each process.

A client is known by an HMAC of its address under a key derived from privet's key and
the date, so the key changes daily and yesterday's buckets mean nothing: the address is
never stored, and the buckets are dropped at midnight. At most MAX_CLIENTS buckets are
kept; the least recently used goes first, which can only ever favour a client.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime

from starlette.types import ASGIApp, Receive, Scope, Send

from privet.clock import Clock
from privet.config import Rate
from privet.store.crypto import Keyring

MAX_CLIENTS = 100_000  # a bucket is ~200 bytes: tens of megabytes at most


@dataclass
class _Bucket:
    tokens: float
    filled_at: datetime


class Buckets:
    """A burst of `rate.count` requests, refilled evenly over `rate.window`."""

    def __init__(
        self, keyring: Keyring, rate: Rate, clock: Clock, max_clients: int = MAX_CLIENTS
    ) -> None:
        self.keyring, self.rate, self.clock = keyring, rate, clock
        self.max_clients = max_clients
        self.per_second = rate.count / rate.window.total_seconds()
        self._day: date | None = None
        self._day_key = b""
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, address: str) -> float | None:
        """None when the request may go on; otherwise the seconds until it may."""
        now = self.clock.now()
        key = self._key(address, now)
        bucket = self._buckets.pop(key, None) or _Bucket(float(self.rate.count), now)
        elapsed = max(0.0, (now - bucket.filled_at).total_seconds())
        bucket.tokens = min(self.rate.count, bucket.tokens + elapsed * self.per_second)
        bucket.filled_at = now
        self._buckets[key] = bucket  # last: the most recently used
        if len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return None
        return (1 - bucket.tokens) / self.per_second

    def __len__(self) -> int:
        return len(self._buckets)

    def held(self) -> list[str]:
        """What is held about clients: keyed hashes only."""
        return list(self._buckets)

    def _key(self, address: str, now: datetime) -> str:
        if now.date() != self._day:
            self._day, self._buckets = now.date(), OrderedDict()
            self._day_key = self.keyring.sign(f"public rate limit {self._day}").encode()
        return hmac.new(self._day_key, address.encode(), hashlib.sha256).hexdigest()


class PublicRateLimit:
    """429 with Retry-After for a client over its limit on a public path, before the
    route (or the body) is read: a flood costs a dictionary lookup a request."""

    def __init__(self, app: ASGIApp, buckets: Buckets | None, prefixes: tuple[str, ...]) -> None:
        self.app, self.buckets, self.prefixes = app, buckets, prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._limited(scope):
            assert self.buckets is not None  # _limited says so
            client = scope.get("client")
            wait = self.buckets.take(client[0] if client else "unknown")
            if wait is not None:
                await _too_many(send, self.buckets.rate, wait)
                return
        await self.app(scope, receive, send)

    def _limited(self, scope: Scope) -> bool:
        return (
            self.buckets is not None
            and scope["type"] == "http"
            and scope["method"] != "OPTIONS"  # a CORS preflight is the browser's, not a call
            and scope["path"].startswith(self.prefixes)
        )


async def _too_many(send: Send, rate: Rate, wait: float) -> None:
    seconds = max(1, math.ceil(wait))
    limit = f"{rate.count} requests per {int(rate.window.total_seconds())} s"
    message = f"over the limit of {limit} from one client: try again in {seconds} s"
    body = json.dumps({"error": {"code": "rate_limited", "message": message}}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(seconds).encode()),
    ]
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": body})
