"""Turning a page view as the browser reports it into a row that names no one.

The IP address and the user agent are used here, in memory, and dropped: the IP becomes a
country (offline database), the user agent a browser family and a device class. What
identifies the visitor depends on the policy's mode: in `consent` mode the browser's
consent id, only if its current receipt grants a category serving the analytics purpose;
in `cookieless` mode a hash of today's secret salt with the IP, user agent and site, as
Plausible does: the salt is deleted the next day, so no hash can be recomputed or linked
to the visitor's hashes of other days.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from privet.analytics.models import Pageview, Salt
from privet.consent.service import consent_for
from privet.geo import country_of
from privet.policy.schema import Policy
from privet.store.crypto import Keyring
from privet.store.open import Store

# Crawlers and link previews say who they are; a page view from them is not an audience.
BOTS = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|curl|wget|python-|httpclient|"
    r"java/|go-http|lighthouse|pingdom|uptime",
    re.IGNORECASE,
)
BROWSERS = (  # order matters: Edge and Opera say "Chrome" too, Chrome says "Safari"
    ("Edge", re.compile(r"Edg(e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Yandex", re.compile(r"YaBrowser/")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/")),
    ("Safari", re.compile(r"Safari/")),
)
MAX_DURATION_MS = 6 * 3600 * 1000  # a tab left open overnight is not a six-hour visit


class NotCounted(Exception):
    """The view is dropped on purpose; `reason` says why, for the answer."""

    def __init__(self, reason: str, status: int = 202) -> None:
        super().__init__(reason)
        self.reason, self.status = reason, status


@dataclass(frozen=True)
class Seen:
    """What the page reported, with the request facts used and then forgotten."""

    path: str
    referrer: str | None
    width: int | None
    visitor_id: uuid.UUID | None
    ip: str | None
    user_agent: str
    site: str
    do_not_track: bool
    prefetch: bool


def page_view(
    session: Session, policy: Policy, keyring: Keyring, seen: Seen, now: datetime
) -> Pageview:
    """The row to store for `seen`, with who it counts (or NotCounted)."""
    view = describe(policy, seen, now)
    if policy.analytics.mode == "consent":
        view.visitor, view.consent_id = consenting(session, policy, keyring, seen, now)
    else:
        view.visitor = visitor_hash(todays_salt(session, now), seen)
    return view


def describe(policy: Policy, seen: Seen, now: datetime) -> Pageview:
    """What the view was, reduced to what names no one; not yet who it counts."""
    mode = policy.analytics.mode
    if mode == "off":
        raise NotCounted("analytics is off in the policy", 404)
    if seen.prefetch or BOTS.search(seen.user_agent) or not seen.user_agent:
        raise NotCounted("not a visitor")
    if mode == "cookieless" and seen.do_not_track and policy.analytics.respect_do_not_track:
        raise NotCounted("the browser asks not to be tracked")
    return Pageview(
        viewed_at=now,
        path=clean_path(seen.path),
        referrer_host=referrer_host(seen.referrer, seen.site),
        viewport=viewport(seen.width),
        country=country_of(seen.ip) if policy.analytics.ip_address == "country" else None,
        browser=browser_of(seen.user_agent),
        device=device_of(seen.user_agent),
    )


def consenting(
    session: Session, policy: Policy, keyring: Keyring, seen: Seen, now: datetime
) -> tuple[str, uuid.UUID]:
    """The visitor's blind index and the receipt that allows counting them."""
    if seen.visitor_id is not None:
        for name, category in policy.cookies.items():
            if category.purpose != policy.analytics.purpose:
                continue
            granted, receipt = consent_for(session, policy, seen.visitor_id, name, now)
            if granted and receipt is not None:
                return keyring.blind_index(str(seen.visitor_id)), receipt.id
    raise NotCounted("no consent to analytics: nothing was stored", 403)


def visitor_hash(salt: bytes, seen: Seen) -> str:
    message = f"{seen.site}|{seen.ip}|{seen.user_agent}".encode()
    return hmac.new(salt, message, hashlib.sha256).hexdigest()


def todays_salt(session: Session, now: datetime) -> bytes:
    """Today's salt, made on first use; every older one is deleted at the same moment."""
    today = now.date()
    salt = session.get(Salt, today)
    if salt is not None:
        return salt.salt
    session.execute(delete(Salt).where(Salt.day < today))
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    made = insert(Salt).values(day=today, salt=secrets.token_bytes(32))
    session.execute(made.on_conflict_do_nothing(index_elements=["day"]))  # another won
    return session.scalars(select(Salt.salt).where(Salt.day == today)).one()


class SaltCache:
    """Today's salt, read once a day by each process: counting a cookieless view then needs
    no database read, only the write of the row."""

    def __init__(self) -> None:
        self._day: date | None = None
        self._salt = b""

    def today(self, store: Store, now: datetime) -> bytes:
        if self._day != now.date():
            with store.transaction() as session:
                self._salt = todays_salt(session, now)
            self._day = now.date()
        return self._salt


def clean_path(path: str) -> str:
    """The path alone: a query string or fragment often carries ids, tokens, emails."""
    cleaned = urlsplit(path).path or "/"
    return cleaned[:500] if cleaned.startswith("/") else "/" + cleaned[:499]


def referrer_host(referrer: str | None, site: str) -> str | None:
    """Where the visitor came from, as a host: never the page (it may carry a search)."""
    host = urlsplit(referrer).hostname if referrer else None
    if not host or host == site:
        return None
    return host.removeprefix("www.")[:255]


def viewport(width: int | None) -> str | None:
    if width is None or width <= 0:
        return None
    return "mobile" if width < 768 else "tablet" if width < 1024 else "desktop"


def browser_of(user_agent: str) -> str:
    return next((name for name, pattern in BROWSERS if pattern.search(user_agent)), "Other")


def device_of(user_agent: str) -> str:
    if re.search(r"iPad|Tablet", user_agent):
        return "tablet"
    return "mobile" if re.search(r"Mobi|Android|iPhone", user_agent) else "desktop"


def record_duration(session: Session, view_id: uuid.UUID, duration_ms: int, now: datetime) -> bool:
    """The time spent on a page, sent as the visitor leaves it; once per view, same day."""
    view = session.scalars(select(Pageview).where(Pageview.id == view_id)).first()
    if view is None or view.duration_ms is not None or view.viewed_at.date() != now.date():
        return False
    view.duration_ms = max(0, min(duration_ms, MAX_DURATION_MS))
    return True
