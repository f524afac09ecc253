"""The human-readable policy text, made from the same declaration privet enforces, so the
text cannot promise what the software does not do.

One document is built from the policy in the reader's language, then written out as
Markdown or HTML; publishing versions stores and compares these texts.
"""

from __future__ import annotations

from collections.abc import Callable

from privet.policy.schema import SUPPORTED_LANGUAGES, Policy
from privet.transparency.as_html import article_of, standalone_of
from privet.transparency.as_markdown import markdown_of
from privet.transparency.document import Document, Section, Writer
from privet.transparency.sections import collected, company, cookies, rights, sharing
from privet.transparency.words import words

# In the order a reader looks for them; a section returns None when the policy is silent
# on its matter (no children section, no marketing, no transfer).
SECTIONS: tuple[Callable[[Writer], Section | None], ...] = (
    company.controller,
    collected.data,
    collected.purposes,
    collected.retention,
    rights.rights,
    cookies.cookies,
    sharing.security,
    sharing.sharing,
    sharing.storage,
    sharing.transfers,
    rights.children,
    rights.marketing,
    company.changes,
    company.law,
    company.company,
)


def build_document(policy: Policy, language: str, *, base_url: str = "") -> Document:
    """The policy text in `language`. Links to privet's pages start with `base_url`: empty
    on privet's own pages, privet's public address in a file published elsewhere."""
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"privet has no texts in {language!r} (it has: en, fr, ru)")
    writer = Writer(policy, language, base_url)
    sections = tuple(made for make in SECTIONS if (made := make(writer)) is not None)
    title = f"{words(language)['title']} — {policy.controller.name}"
    return Document(language, title, company.intro(writer), sections)


def policy_markdown(policy: Policy, language: str, *, base_url: str = "") -> str:
    return markdown_of(build_document(policy, language, base_url=base_url))


def policy_html(policy: Policy, language: str, *, base_url: str = "") -> str:
    """An <article> fragment, to sit inside a page."""
    return article_of(build_document(policy, language, base_url=base_url))


def policy_standalone_html(policy: Policy, language: str, *, base_url: str = "") -> str:
    """A complete HTML document, styles included, to publish as one file."""
    return standalone_of(build_document(policy, language, base_url=base_url))
