"""The record of processing activities (GDPR art. 30(1)), from the policy alone.

One activity a purpose, with what art. 30(1)(a) to (g) asks: who is responsible, why, about
whom and what, to whom it goes, which transfers leave the storage region and under which
safeguard, how long each category is kept, and the security measures. Nothing is typed
twice: change the policy and the record follows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from typing import Any

from privet.policy.checks import in_region
from privet.policy.schema import Policy, Processor, Purpose
from privet.policy.texts import text_in

# Whom a category is about, by where it comes from (the policy's `source`).
SUBJECTS_BY_SOURCE = {
    "visitor": "people who write to us through the website's forms",
    "automatic": "visitors of the website",
    "staff": "clients, as recorded by staff",
}


@dataclass(frozen=True)
class Activity:
    activity: str
    purpose: str
    legal_basis: str
    data_subjects: list[str]
    data_categories: list[str]
    recipients: list[str]
    transfers: list[str]
    retention: list[str]


def record_of_processing(policy: Policy, language: str) -> dict[str, Any]:
    controller = policy.controller
    dpo = controller.dpo.email if controller.dpo else None
    return {
        "controller": {"name": controller.legal_name or controller.name,
                       "address": controller.address, "email": controller.email, "dpo": dpo},
        "policy_version": policy.policy.version,
        "security_measures": [text_in(m, language, policy) for m in policy.security.measures],
        "activities": [asdict(a) for a in activities(policy, language)],
    }  # fmt: skip


def activities(policy: Policy, language: str) -> list[Activity]:
    return [
        Activity(
            activity=name,
            purpose=text_in(purpose.description, language, policy),
            legal_basis=purpose.legal_basis,
            data_subjects=sorted(
                {SUBJECTS_BY_SOURCE[policy.data_categories[c].source] for c in purpose.categories}
            ),
            data_categories=[_category(policy, c, language) for c in purpose.categories],
            recipients=[p.name for p in _recipients(policy, name, purpose)],
            transfers=_transfers(policy, _recipients(policy, name, purpose)),
            retention=_retention(policy, purpose),
        )
        for name, purpose in policy.purposes.items()
    ]


def _category(policy: Policy, name: str, language: str) -> str:
    category = policy.data_categories[name]
    return (
        f"{name}: {text_in(category.description, language, policy)} ({', '.join(category.fields)})"
    )


def _recipients(policy: Policy, name: str, purpose: Purpose) -> list[Processor]:
    """Processors named for this purpose, or, naming none, receiving one of its categories."""
    return [
        processor
        for processor in policy.processors.values()
        if name in processor.purposes
        or (not processor.purposes and set(processor.categories) & set(purpose.categories))
    ]


def _transfers(policy: Policy, recipients: list[Processor]) -> list[str]:
    return [
        f"{p.name} ({p.location}): {p.safeguard.replace('_', ' ')}"
        for p in recipients
        if not in_region(p.location, policy.storage.region)
    ]


def _retention(policy: Policy, purpose: Purpose) -> list[str]:
    return [
        f"{rule.category}: {rule.keep} after {rule.after.replace('_', ' ')}, then {rule.then}"
        for rule in policy.retention.values()
        if rule.category in purpose.categories
    ]


def as_csv(record: dict[str, Any]) -> str:
    """One row an activity, lists joined by "; "; the controller and measures on each row,
    so the sheet stands alone."""
    out = io.StringIO()
    columns = [*Activity.__dataclass_fields__, "controller", "security_measures"]
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    for activity in record["activities"]:
        row = {k: "; ".join(v) if isinstance(v, list) else v for k, v in activity.items()}
        row["controller"] = record["controller"]["name"]
        row["security_measures"] = "; ".join(record["security_measures"])
        writer.writerow(row)
    return out.getvalue()
