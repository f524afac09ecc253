"""A one-screen summary of a policy: what `privet check` prints and /admin shows."""

from __future__ import annotations

from privet.policy.schema import Policy


def summarise(policy: Policy) -> list[tuple[str, str]]:
    rights = policy.rights
    rows = [
        ("controller", f"{policy.controller.name} ({policy.controller.country})"),
        ("version", f"{policy.policy.version}, effective {policy.policy.effective.isoformat()}"),
        ("languages", ", ".join(policy.policy.languages)),
        (
            "storage",
            ", ".join(policy.storage.region) + (" (strict)" if policy.storage.strict else ""),
        ),
        ("data categories", ", ".join(policy.data_categories)),
        ("purposes", ", ".join(f"{n} ({p.legal_basis})" for n, p in policy.purposes.items())),
        ("forms", ", ".join(policy.forms) or "none"),
        (
            "cookies",
            ", ".join(_cookie_label(n, c.required) for n, c in policy.cookies.items()) or "none",
        ),
        (
            "retention",
            "; ".join(f"{n}: {r.keep} after {r.after}" for n, r in policy.retention.items()),
        ),
        ("rights", f"{', '.join(rights.offered)}; answered within {rights.deadline}"),
        (
            "processors",
            ", ".join(f"{p.name} ({p.location})" for p in policy.processors.values()) or "none",
        ),
        ("analytics", policy.analytics.mode),
    ]
    if policy.children:
        rows.append(("children", f"not collected under {policy.children.minimum_age}"))
    if policy.marketing:
        rows.append(("marketing", f"consent required: {policy.marketing.requires_consent}"))
    return rows


def _cookie_label(name: str, required: bool) -> str:
    return f"{name} ({'always on' if required else 'consent'})"
