"""The policy document written as Markdown (CommonMark with GitHub's tables)."""

from __future__ import annotations

import re

from privet.transparency.document import (
    Block,
    Code,
    Document,
    Inline,
    Items,
    Line,
    Link,
    Paragraph,
    Strong,
    Subheading,
    Table,
    safe_href,
)

# Characters that would start emphasis, a link, raw HTML or a table cell boundary.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
# What would turn a paragraph into a heading, a quote, a list or a rule.
_BLOCK_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")
# Only line breaks: a no-break space ("13\u00a0mois") is typography to keep.
_BREAKS = re.compile(r"[ \t]*[\r\n]+[ \t]*")


def markdown_of(document: Document) -> str:
    out = [f"# {_escape(document.title)}", *(_block(block) for block in document.intro)]
    for number, section in enumerate(document.sections, start=1):
        out.append(f"## {number}. {_escape(section.heading)}")
        out += [_block(block) for block in section.blocks]
    return "\n\n".join(out) + "\n"


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        text = _line(block.line)
        return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1)
    if isinstance(block, Items):
        return "\n".join(f"- {_line(item)}" for item in block.items)
    if isinstance(block, Table):
        header = "| " + " | ".join(_escape(column) for column in block.columns) + " |"
        rule = "|" + "---|" * len(block.columns)
        rows = ["| " + " | ".join(_line(cell) for cell in row) + " |" for row in block.rows]
        return "\n".join([header, rule, *rows])
    if isinstance(block, Subheading):
        return f"### {_escape(block.text)}"
    raise TypeError(block)


def _line(line: Line) -> str:
    # One line each: a line break would end a list item or a table row.
    return _BREAKS.sub(" ", "".join(_inline(part) for part in line))


def _inline(part: Inline) -> str:
    if isinstance(part, str):
        return _escape(part)
    if isinstance(part, Strong):
        return f"**{_escape(part.text)}**"
    if isinstance(part, Code):
        fence = "``" if "`" in part.text else "`"
        return f"{fence}{part.text}{fence}"
    if isinstance(part, Link):
        if not safe_href(part.href):
            return _escape(part.text)
        href = part.href.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
        return f"[{_escape(part.text)}]({href})"
    raise TypeError(part)


def _escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)
