"""Picking the words of a policy text in the reader's language."""

from __future__ import annotations

from privet.policy.schema import Policy, Text


def choose_language(policy: Policy, wanted: str | None) -> str:
    """`wanted` if the policy is written in it, else the policy's first language."""
    languages = policy.policy.languages
    return wanted if wanted in languages else languages[0]


def text_in(text: Text, language: str, policy: Policy) -> str:
    """One string of `text`: in `language`, else in the policy's languages in order."""
    if isinstance(text, str):
        return text
    for candidate in (language, *policy.policy.languages):
        if candidate in text:
            return text[candidate]
    return next(iter(text.values()))
