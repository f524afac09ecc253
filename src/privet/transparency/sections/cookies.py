"""Cookies by category: which need consent, their vendors, each cookie and its lifetime."""

from __future__ import annotations

from privet.policy.schema import Cookie, CookieCategory, Vendor
from privet.transparency.document import (
    Block,
    Code,
    Inline,
    Line,
    Link,
    Section,
    Strong,
    Subheading,
    Table,
    Writer,
    compose,
    plain,
)
from privet.transparency.formats import country_in, duration_in
from privet.transparency.words import words


def cookies(writer: Writer) -> Section:
    declared = writer.policy.cookies
    heading = writer.word("heading/cookies")
    if not declared:
        none = writer.paragraph("cookies.intro", "cookies.intro/none")
        return Section("cookies", heading, (none,))
    blocks: list[Block] = [writer.paragraph("cookies.intro")]
    for name, category in declared.items():
        blocks += _category(writer, name, category)
    if any(not category.required for category in declared.values()):
        link = writer.page("/privacy/preferences", writer.word("link/preferences"))
        blocks.append(writer.paragraph("cookies.preferences", link=link))
    return Section("cookies", heading, tuple(blocks))


def _category(writer: Writer, name: str, category: CookieCategory) -> list[Block]:
    status = "cookie_status/required" if category.required else "cookie_status/optional"
    about = [_sentence(writer.text(category.description))]
    if category.purpose is not None:
        purpose = writer.text(writer.policy.purposes[category.purpose].description)
        about.append(writer.word("cookie_purpose", purpose=purpose.rstrip(".")))
    said = plain((Strong(writer.word(status)), " " + " ".join(about)))
    blocks: list[Block] = [Subheading(_title(writer, name)), said]
    if category.vendors:
        vendors = _joined([_vendor(writer, vendor) for vendor in category.vendors])
        blocks.append(plain(compose(writer.word("vendors"), vendors=vendors)))
    if category.cookies:
        columns = ("cookie", "set_by", "lifetime", "what")
        blocks.append(
            Table(
                tuple(writer.word(f"column/{column}") for column in columns),
                tuple(_row(writer, cookie) for cookie in category.cookies),
            )
        )
    return blocks


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def _title(writer: Writer, name: str) -> str:
    known = words(writer.language).get(f"cookie_category/{name}")
    return known or name.replace("_", " ").capitalize()


def _vendor(writer: Writer, vendor: Vendor) -> Line:
    details: list[Inline] = []
    if vendor.location:
        details.append(country_in(vendor.location, writer.language))
    if vendor.privacy_url:
        details.append(Link(writer.word("vendor/policy"), vendor.privacy_url))
    if not details:
        return (vendor.name,)
    return (vendor.name, " (", *_joined([(detail,) for detail in details]), ")")


def _joined(lines: list[Line]) -> Line:
    parts: list[Inline] = []
    for index, line in enumerate(lines):
        parts += [", "] if index else []
        parts += line
    return tuple(parts)


def _row(writer: Writer, cookie: Cookie) -> tuple[Line, ...]:
    if cookie.lifetime == "session":
        lifetime = writer.word("lifetime/session")
    else:
        lifetime = duration_in(cookie.lifetime, writer.language)
    provider = writer.word("first_party") if cookie.provider == "first party" else cookie.provider
    what = writer.text(cookie.description) if cookie.description else writer.word("none")
    return ((Code(cookie.name),), (provider,), (lifetime,), (what,))
