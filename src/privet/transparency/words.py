"""The words of the policy text's frame, in every language privet speaks; what the policy
itself says (descriptions, names, reasons) comes from policy.yaml."""

from __future__ import annotations

from privet.transparency.wording import en, fr, ru

WORDS: dict[str, dict[str, str]] = {"en": en.WORDS, "fr": fr.WORDS, "ru": ru.WORDS}


def words(language: str) -> dict[str, str]:
    return WORDS[language]
