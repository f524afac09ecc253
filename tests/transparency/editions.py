"""Editions of NTOPROG's policy to publish: its example file, changed as an operator would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from conftest import EXAMPLE
from privet.policy.load import parse_policy
from privet.policy.schema import Policy

SOURCE = EXAMPLE.read_text(encoding="utf-8")
FIRST = date(2026, 4, 11)  # the example's own version and effective date
# Where a vendor goes: after Google Analytics, in the analytics category.
ANALYTICS_COOKIES = "    cookies:\n      - name: _ga\n"


@dataclass(frozen=True)
class Edition:
    policy: Policy
    source: str


def edition(
    *,
    version: date = FIRST,
    vendor: str | None = None,
    change_notice: str | None = None,
    website: str | None = None,
) -> Edition:
    """The example with another version (and effective date), a new analytics vendor, another
    change_notice, or a website: each a few lines of YAML, as in a real edit."""
    text = SOURCE
    if version != FIRST:
        text = _once(text, f'version: "{FIRST}"', f'version: "{version}"')
        text = _once(text, f"effective: {FIRST}", f"effective: {version}")
    if vendor is not None:
        added = f"      - name: {vendor}\n        location: FR\n"
        text = _once(text, ANALYTICS_COOKIES, added + ANALYTICS_COOKIES)
    if change_notice is not None:
        text = _once(text, "change_notice: notice", f"change_notice: {change_notice}")
    if website is not None:
        text += f"\nwebsite:\n  url: {website}\n"
    return Edition(parse_policy(text, EXAMPLE), text)


def _once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old  # the example changed: this edit needs a new anchor
    return text.replace(old, new)
