"""What a form carries besides its declared data: the marketing box, the age confirmation
and the language it was shown in. They steer what happens; none is stored as data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from privet.intake.fields import FALSE_WORDS, TRUE_WORDS
from privet.marketing.service import OPT_IN_FIELD
from privet.policy.schema import Form, Policy
from privet.policy.texts import choose_language

AGE_FIELD = "privet_age_confirmed"
LANGUAGE_FIELD = "privet_lang"
# GDPR art. 8's age of consent to online services, where the policy sets none.
DEFAULT_MINIMUM_AGE = 16


@dataclass(frozen=True)
class Choices:
    marketing: bool
    language: str


def minimum_age(policy: Policy) -> int:
    return policy.children.minimum_age if policy.children else DEFAULT_MINIMUM_AGE


def take_choices(
    policy: Policy, form: Form, values: dict[str, Any]
) -> tuple[Choices, dict[str, str]]:
    """Remove the choices from `values`; return them and the problems by field name."""
    problems: dict[str, str] = {}
    marketing = _take_flag(values, OPT_IN_FIELD, problems)
    if marketing and not form.marketing_opt_in:
        problems[OPT_IN_FIELD] = "this form has no marketing opt-in"
    if not _take_flag(values, AGE_FIELD, problems) and form.asks_age(policy):
        problems[AGE_FIELD] = f"confirm that you are at least {minimum_age(policy)} years old"
    wanted = values.pop(LANGUAGE_FIELD, None)
    language = choose_language(policy, wanted if isinstance(wanted, str) else None)
    return Choices(marketing, language), problems


def _take_flag(values: dict[str, Any], name: str, problems: dict[str, str]) -> bool:
    raw = values.pop(name, None)
    if raw is None or isinstance(raw, bool):
        return bool(raw)
    word = str(raw).strip().lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        problems[name] = "yes or no"
    return word in TRUE_WORDS
