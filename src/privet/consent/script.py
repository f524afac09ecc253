"""`/privet.js`: the banner script, with the policy's categories and words built in.

One request gives the browser everything the banner needs, so it can gate scripts and
show itself before anything else loads; no second request for its settings.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from privet.consent.service import choice_lifetime
from privet.consent.wording import banner_words
from privet.policy.schema import CookieCategory, Policy
from privet.policy.texts import text_in

SCRIPT = Path(__file__).parent / "static" / "privet.js"
PLACEHOLDER = "/*CONFIG*/{}"
DEFAULT_COOKIE = "privet_consent"
# Relative to the script's own address, so privet may sit on another host or path.
PATHS = {
    "consents": "api/v1/consents",
    "collect": "api/v1/collect",
    "privacy": "privacy",
    "preferences": "privacy/preferences",
}
# Query parameters that identify a visitor or a click to another site: campaign tags,
# ad click ids, analytics linkers. Stripped from outbound links when the policy promises it
# (website.strip_outbound_identifiers); "utm_*" stands for every name starting with "utm_".
TRACKING_PARAMETERS = [
    "utm_*", "gclid", "dclid", "gbraid", "wbraid", "fbclid", "msclkid", "yclid", "ysclid",
    "_openstat", "mc_eid", "mc_cid", "_ga", "_gl",
]  # fmt: skip


def banner_config(policy: Policy, now: datetime) -> dict[str, Any]:
    languages = policy.policy.languages
    controller = policy.controller.name
    return {
        "policy_version": policy.policy.version,
        "paths": PATHS,
        "cookie": _cookie(policy, now),
        "languages": languages,
        "categories": [
            _category(policy, name, category) for name, category in policy.cookies.items()
        ],
        "words": {language: banner_words(language, controller) for language in languages},
        "analytics": _analytics(policy),
        "links": _links(policy),
    }


def _links(policy: Policy) -> dict[str, Any] | None:
    """What the script does to links the visitor follows: none of it without a website."""
    website = policy.website
    if website is None:
        return None
    promised = website.strip_outbound_identifiers
    strip = TRACKING_PARAMETERS + website.link_identifiers if promised else []
    return {"strip": list(dict.fromkeys(strip)), "referrer": website.referrer_policy}


def _analytics(policy: Policy) -> dict[str, Any]:
    """How the script counts page views: in consent mode, only once one of `categories`
    is granted; cookieless, unless Do-Not-Track or GPC says no (`dnt`)."""
    analytics = policy.analytics
    serving = [n for n, c in policy.cookies.items() if c.purpose and c.purpose == analytics.purpose]
    return {"mode": analytics.mode, "categories": serving, "dnt": analytics.respect_do_not_track}


def _cookie(policy: Policy, now: datetime) -> dict[str, Any]:
    if policy.consent is None:  # nothing to ask: the banner never shows, nothing is stored
        return {"name": DEFAULT_COOKIE, "max_age": 0}
    # Counted from the start of the day, so the script (and its ETag) changes once a day.
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    lasts = choice_lifetime(policy).after(today) - today
    return {"name": policy.consent.cookie, "max_age": int(lasts.total_seconds())}


def _category(policy: Policy, name: str, category: CookieCategory) -> dict[str, Any]:
    return {
        "name": name,
        "key": _decision_key(name, category),
        "required": category.required,
        "purpose": category.purpose,
        "gpc": category.gpc_opt_out,
        "consent_mode": category.google_consent_mode,
        "cookies": [cookie.name for cookie in category.cookies],
        "description": {
            language: text_in(category.description, language, policy)
            for language in policy.policy.languages
        },
        "vendors": [
            {"name": vendor.name, "privacy_url": vendor.privacy_url} for vendor in category.vendors
        ],
    }


def _decision_key(name: str, category: CookieCategory) -> str:
    """What a stored choice is filed under in the visitor's cookie. A new category, another
    purpose or another set of vendors makes a new key: undecided, so the banner asks again.
    Without vendors the key is the one choices were always filed under, so they still count."""
    key = f"{name}:{category.purpose}"
    if not category.vendors:
        return key
    names = "\n".join(sorted(vendor.name for vendor in category.vendors))
    return f"{key}:{hashlib.sha256(names.encode()).hexdigest()[:8]}"


@dataclass(frozen=True)
class Rendered:
    body: str
    etag: str


# Every page view of the site asks for the script: build it once per policy and day.
_latest: tuple[Policy, date, Rendered] | None = None


def rendered_script(policy: Policy, now: datetime) -> Rendered:
    global _latest  # a one-entry cache: a race between threads only builds it twice
    latest = _latest
    if latest is not None and latest[0] is policy and latest[1] == now.date():
        return latest[2]
    body = _render(policy, now)
    rendered = Rendered(body, '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"')
    _latest = (policy, now.date(), rendered)
    return rendered


def _render(policy: Policy, now: datetime) -> str:
    config = json.dumps(banner_config(policy, now), ensure_ascii=False, separators=(",", ":"))
    # "</" could close a <script> element if someone inlines the file; JSON allows "<\/".
    return _source().replace(PLACEHOLDER, config.replace("</", "<\\/"), 1)


@functools.cache
def _source() -> str:
    return SCRIPT.read_text(encoding="utf-8")
