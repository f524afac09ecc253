"""What a new version changes for consent: what the banner asks again, and why.

The previous version is read from its stored content as plain JSON, not validated again
as a `Policy`: a version published under an older schema must still compare.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from privet.consent.service import optional_categories
from privet.policy.schema import Policy


@dataclass(frozen=True)
class ConsentNews:
    # Optional cookie categories that are new, or now asked for another purpose.
    categories: tuple[str, ...] = ()
    # (category, vendor name): a vendor new in a category that was already asked.
    vendors: tuple[tuple[str, str], ...] = ()
    # Purposes that now rest on consent: new ones, or ones that had another legal basis.
    purposes: tuple[str, ...] = ()

    @property
    def asks_again(self) -> bool:
        """The banner asks visitors again (a purpose alone is asked where it is used)."""
        return bool(self.categories or self.vendors)

    @property
    def empty(self) -> bool:
        return not (self.categories or self.vendors or self.purposes)


def consent_news(previous: Mapping[str, Any] | None, policy: Policy) -> ConsentNews:
    """What `policy` asks consent for that `previous` (stored content) did not."""
    if previous is None:  # the first version: nobody has been asked anything yet
        return ConsentNews()
    before = previous.get("cookies", {})
    categories: list[str] = []
    vendors: list[tuple[str, str]] = []
    for name, category in optional_categories(policy).items():
        old = before.get(name)
        if old is None or old.get("required") or old.get("purpose") != category.purpose:
            categories.append(name)
            continue
        known = {vendor.get("name") for vendor in old.get("vendors", [])}
        vendors += [(name, vendor.name) for vendor in category.vendors if vendor.name not in known]
    old_purposes = previous.get("purposes", {})
    purposes = [
        name
        for name, purpose in policy.purposes.items()
        if purpose.legal_basis == "consent"
        and old_purposes.get(name, {}).get("legal_basis") != "consent"
    ]
    return ConsentNews(tuple(categories), tuple(vendors), tuple(purposes))
