"""Picking the words of a policy text in the reader's language."""

from __future__ import annotations

from privet.policy.schema import Policy, Text


def choose_language(policy: Policy, wanted: str | None) -> str:
    """`wanted` if the policy is written in it, else the policy's first language."""
    languages = policy.policy.languages
    return wanted if wanted in languages else languages[0]


def reader_language(policy: Policy, asked: str | None, accept_language: str) -> str:
    """`asked` if the policy is written in it, else the browser's most preferred language
    the policy is written in, else the policy's first language."""
    languages = policy.policy.languages
    if asked in languages:
        return asked
    for preferred in _preferred(accept_language):
        if preferred in languages:
            return preferred
    return languages[0]


def _preferred(accept_language: str) -> list[str]:
    """The primary language tags of an Accept-Language header, most preferred first."""
    weighted = []
    for position, entry in enumerate(accept_language.split(",")[:20]):
        tag, _, parameters = entry.strip().partition(";")
        quality = 1.0
        name, _, value = parameters.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        if quality > 0:
            weighted.append((-quality, position, tag.split("-")[0].strip().lower()))
    return [tag for _quality, _position, tag in sorted(weighted)]


def text_in(text: Text, language: str, policy: Policy) -> str:
    """One string of `text`: in `language`, else in the policy's languages in order."""
    if isinstance(text, str):
        return text
    for candidate in (language, *policy.policy.languages):
        if candidate in text:
            return text[candidate]
    return next(iter(text.values()))
