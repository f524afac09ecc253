"""The policy document written as HTML: an <article> with its table of contents, to sit in
a page, or a whole standalone document to publish anywhere."""

from __future__ import annotations

from html import escape
from pathlib import Path

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
from privet.transparency.words import words

STYLESHEET = Path(__file__).parent / "static" / "privacy.css"
# What privet's own pages get from its site-wide stylesheet, for the file that stands alone.
STANDALONE_BASE = (
    'body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; '
    "color: #1d2330; }\nmain { max-width: 48rem; margin: 0 auto; padding: 1rem 1.25rem; }\n"
)


def article_of(document: Document) -> str:
    parts = [
        f'<article class="privacy-policy" lang="{document.language}">',
        f"<h1>{escape(document.title)}</h1>",
        *(_block(block) for block in document.intro),
        _contents(document),
    ]
    for number, section in enumerate(document.sections, start=1):
        parts.append(f'<section id="{section.id}">')
        parts.append(f"<h2>{number}. {escape(section.heading)}</h2>")
        parts += [_block(block) for block in section.blocks]
        parts.append("</section>")
    parts.append("</article>")
    return "\n".join(parts) + "\n"


def standalone_of(document: Document) -> str:
    """A complete page with its styles inside, to publish as one file."""
    return (
        "<!doctype html>\n"
        f'<html lang="{document.language}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(document.title)}</title>\n"
        f"<style>\n{STANDALONE_BASE}{STYLESHEET.read_text(encoding='utf-8')}</style>\n</head>\n"
        f"<body>\n<main>\n{article_of(document)}</main>\n</body>\n</html>\n"
    )


def _contents(document: Document) -> str:
    label = escape(words(document.language)["page/contents"])
    entries = "".join(
        f'<li><a href="#{section.id}">{escape(section.heading)}</a></li>'
        for section in document.sections
    )
    heading = f"<h2>{label}</h2>"
    return f'<nav class="contents" aria-label="{label}">\n{heading}\n<ol>{entries}</ol>\n</nav>'


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        anchor = f' id="{escape(block.id)}"' if block.id else ""
        return f"<p{anchor}>{_line(block.line)}</p>"
    if isinstance(block, Items):
        return "<ul>" + "".join(f"<li>{_line(item)}</li>" for item in block.items) + "</ul>"
    if isinstance(block, Table):
        head = "".join(f'<th scope="col">{escape(column)}</th>' for column in block.columns)
        rows = "".join(
            "<tr>" + "".join(f"<td>{_line(cell)}</td>" for cell in row) + "</tr>"
            for row in block.rows
        )
        return (
            f'<div class="table"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table></div>"
        )
    if isinstance(block, Subheading):
        return f"<h3>{escape(block.text)}</h3>"
    raise TypeError(block)


def _line(line: Line) -> str:
    return "".join(_inline(part) for part in line)


def _inline(part: Inline) -> str:
    if isinstance(part, str):
        return escape(part)
    if isinstance(part, Strong):
        return f"<strong>{escape(part.text)}</strong>"
    if isinstance(part, Code):
        return f"<code>{escape(part.text)}</code>"
    if isinstance(part, Link):
        if not safe_href(part.href):
            return escape(part.text)
        return f'<a href="{escape(part.href)}">{escape(part.text)}</a>'
    raise TypeError(part)
