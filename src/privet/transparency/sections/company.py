"""Who speaks in the policy: the introduction, the controller and its contacts, changes,
the applicable law and the company's details."""

from __future__ import annotations

from privet.policy.schema import Contact
from privet.transparency.document import (
    Block,
    Inline,
    Items,
    Line,
    Link,
    Section,
    Strong,
    Writer,
    compose,
)
from privet.transparency.formats import date_in


def intro(writer: Writer) -> tuple[Block, ...]:
    info = writer.policy.policy
    return (
        writer.paragraph("intro.scope", controller=writer.policy.controller.name),
        writer.paragraph(
            "intro.version", version=info.version, date=date_in(info.effective, writer.language)
        ),
    )


def controller(writer: Writer) -> Section:
    declared = writer.policy.controller
    who = _named(declared.name, declared.legal_name)
    contact = "controller.contact/phone" if declared.phone else "controller.contact"
    email, phone = writer.mail(declared.email), declared.phone or ""
    blocks: list[Block] = [
        writer.paragraph("controller.identity", controller=who, address=declared.address),
        writer.paragraph("controller.contact", contact, email=email, phone=phone),
    ]
    if declared.dpo is not None:
        blocks.append(writer.paragraph("controller.dpo", contact=_contact(writer, declared.dpo)))
    return Section("controller", writer.word("heading/controller"), tuple(blocks))


def _named(name: str, legal_name: str | None) -> str:
    return name if legal_name in (None, name) else f"{name} ({legal_name})"


def _contact(writer: Writer, contact: Contact) -> Line:
    parts: list[Inline] = [f"{contact.name}, "] if contact.name else []
    parts.append(writer.mail(contact.email))
    parts += [f", {value}" for value in (contact.phone, contact.address) if value]
    return tuple(parts)


def changes(writer: Writer) -> Section:
    notice = writer.policy.policy.change_notice
    history = writer.page("/privacy/changes", writer.word("link/changes"))
    evidence = writer.page("/privacy/evidence", writer.word("link/evidence"))
    return Section(
        "changes",
        writer.word("heading/changes"),
        (
            writer.paragraph("changes.notice", f"changes.notice/{notice}"),
            writer.paragraph("changes.history", link=history),
            writer.paragraph("changes.evidence", link=evidence),
        ),
    )


def law(writer: Writer) -> Section | None:
    declared = writer.policy.controller
    if declared.applicable_law is None:
        return None
    paragraph = writer.paragraph(
        "law.applicable", controller=declared.name, law=declared.applicable_law
    )
    return Section("law", writer.word("heading/law"), (paragraph,))


def company(writer: Writer) -> Section:
    declared = writer.policy.controller
    details: list[tuple[str, Inline]] = [
        (writer.word("label/name"), declared.legal_name or declared.name),
        (writer.word("label/address"), declared.address),
        (writer.word("label/email"), writer.mail(declared.email)),
    ]
    if declared.phone:
        details.append((writer.word("label/phone"), declared.phone))
    if declared.website:
        details.append((writer.word("label/website"), Link(declared.website, declared.website)))
    details += list(declared.registration.items())
    if declared.representative:
        details.append((writer.word("label/representative"), declared.representative))
    if declared.dpo is not None:
        details.append((writer.word("label/dpo"), writer.mail(declared.dpo.email)))
    template = writer.word("label/line")
    items = tuple(compose(template, label=Strong(label), value=value) for label, value in details)
    return Section("company", writer.word("heading/company"), (Items(items),))
