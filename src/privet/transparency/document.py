"""The policy text as a document: sections of paragraphs, lists and tables, built once from
the policy and then written out as Markdown or HTML, so the two always say the same.

Each section and each rewordable paragraph has a stable id: sections are anchors in the
page, paragraphs are what `paragraphs:` in policy.yaml overrides.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from privet.policy.schema import Policy, Text
from privet.policy.texts import text_in
from privet.transparency.paragraphs import PARAGRAPHS
from privet.transparency.words import words


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Code:
    """A name to be read exactly as written: a cookie's."""

    text: str


@dataclass(frozen=True)
class Strong:
    text: str


Inline = str | Link | Code | Strong
Line = tuple[Inline, ...]


@dataclass(frozen=True)
class Paragraph:
    id: str | None  # None: made only of declared items, reworded in the policy itself
    line: Line


@dataclass(frozen=True)
class Items:
    items: tuple[Line, ...]


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[Line, ...], ...]


@dataclass(frozen=True)
class Subheading:
    text: str


Block = Paragraph | Items | Table | Subheading


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    language: str
    title: str
    intro: tuple[Block, ...]
    sections: tuple[Section, ...]


def safe_href(href: str) -> bool:
    """Links come from the policy too (a vendor's privacy_url): only web, mail and privet's
    own pages are linked; anything else (`javascript:`) is shown as plain text."""
    own_page = href.startswith("/") and not href.startswith("//")
    return own_page or href.startswith(("https://", "http://", "mailto:"))


def plain(line: Line) -> Paragraph:
    """A paragraph made of declared items only: the policy itself is where it changes."""
    return Paragraph(None, line)


def compose(template: str, **values: Inline | Line) -> Line:
    """`template`'s words with each `{name}` replaced by an inline part (or several)."""
    parts: list[Inline] = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        if literal:
            parts.append(literal)
        if name is not None:
            value = values[name]
            parts.extend(value if isinstance(value, tuple) else (value,))
    return tuple(parts)


# In an operator's own words, addresses become links again, as in the generated ones.
_LINKABLE = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:)]|[^\s@<>()]+@[^\s@<>()]+\.[a-z]{2,}")


def linked(text: str) -> Line:
    parts: list[Inline] = []
    position = 0
    for match in _LINKABLE.finditer(text):
        parts.append(text[position : match.start()])
        found = match.group()
        parts.append(Link(found, found if "://" in found else f"mailto:{found}"))
        position = match.end()
    parts.append(text[position:])
    return tuple(part for part in parts if part != "")


@dataclass(frozen=True)
class Writer:
    """What every section needs to word itself: the policy, the language, privet's address."""

    policy: Policy
    language: str
    base_url: str

    def word(self, key: str, **values: str) -> str:
        said = words(self.language)[key]
        return said.format(**values) if values else said

    def text(self, text: Text) -> str:
        return text_in(text, self.language, self.policy)

    def paragraph(
        self, paragraph_id: str, key: str | None = None, **values: Inline | Line
    ) -> Paragraph:
        """The paragraph `paragraph_id`: the operator's words if the policy overrides it,
        else the frame's words `key` (by default the id itself) filled with `values`."""
        assert paragraph_id in PARAGRAPHS, paragraph_id  # a new id must be documented too
        override = self.policy.paragraphs.get(paragraph_id)
        if override is not None:
            return Paragraph(paragraph_id, linked(self.text(override)))
        return Paragraph(paragraph_id, compose(words(self.language)[key or paragraph_id], **values))

    def page(self, path: str, text: str) -> Link:
        """A link to one of privet's own pages, opening in this language."""
        return Link(text, f"{self.base_url.rstrip('/')}{path}?lang={self.language}")

    def mail(self, address: str) -> Link:
        return Link(address, f"mailto:{address}")
