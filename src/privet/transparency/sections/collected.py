"""What is collected, why, and for how long: data categories, purposes, retention."""

from __future__ import annotations

from privet.policy.schema import DataCategory, Policy
from privet.transparency.document import (
    Block,
    Items,
    Line,
    Section,
    Strong,
    Table,
    Writer,
)
from privet.transparency.formats import duration_in, listed


def data(writer: Writer) -> Section:
    policy = writer.policy
    categories = tuple(
        _category(writer, name, found) for name, found in policy.data_categories.items()
    )
    blocks: list[Block] = [writer.paragraph("data.intro"), Items(categories)]
    if policy.forms:
        blocks.append(writer.paragraph("data.forms"))
    analytics = policy.analytics
    if analytics.mode != "off":
        ip_address = f"data.ip_address/{analytics.ip_address}"
        blocks.append(writer.paragraph("data.analytics", f"data.analytics/{analytics.mode}"))
        blocks.append(writer.paragraph("data.ip_address", ip_address))
        if analytics.mode == "cookieless" and analytics.respect_do_not_track:
            blocks.append(writer.paragraph("data.do_not_track"))
    if policy.website is not None and policy.website.strip_outbound_identifiers:
        blocks.append(writer.paragraph("data.outbound_links"))
    return Section("data", writer.word("heading/data"), tuple(blocks))


def _category(writer: Writer, name: str, category: DataCategory) -> Line:
    fields = [
        writer.text(field.description) if field.description else field_name.replace("_", " ")
        for field_name, field in category.fields.items()
    ]
    return (
        Strong(writer.text(category.description).rstrip(".")),
        ". " + writer.word("fields", fields=listed(fields, writer.language)),
        " " + _source(writer, name, category),
    )


def _source(writer: Writer, name: str, category: DataCategory) -> str:
    if category.source != "visitor":
        return writer.word(f"source/{category.source}")
    forms = [
        writer.text(form.description) if form.description else form_name.replace("_", " ")
        for form_name, form in writer.policy.forms.items()
        if form.category == name or any(field.category == name for field in form.fields.values())
    ]
    if not forms:
        return writer.word("source/visitor")
    return writer.word("source/visitor/forms", forms=listed(forms, writer.language))


def purposes(writer: Writer) -> Section:
    policy = writer.policy
    rows = tuple(
        (
            (writer.text(purpose.description),),
            (writer.word(f"basis/{purpose.legal_basis}"),),
            (_categories(writer, purpose.categories),),
        )
        for purpose in policy.purposes.values()
    )
    columns = tuple(writer.word(f"column/{name}") for name in ("purpose", "legal_basis", "data"))
    blocks: list[Block] = [writer.paragraph("purposes.intro"), Table(columns, rows)]
    if any(purpose.legal_basis == "consent" for purpose in policy.purposes.values()):
        blocks.append(writer.paragraph("purposes.withdrawal"))
    return Section("purposes", writer.word("heading/purposes"), tuple(blocks))


def _categories(writer: Writer, names: list[str]) -> str:
    described = [_description(writer, writer.policy, name) for name in names]
    return "; ".join(described) or writer.word("none")


def _description(writer: Writer, policy: Policy, category: str) -> str:
    return writer.text(policy.data_categories[category].description).rstrip(".")


def retention(writer: Writer) -> Section:
    policy = writer.policy
    rows = [
        _row(
            writer,
            what=_description(writer, policy, rule.category),
            kept=duration_in(rule.keep, writer.language),
            anchor=f"anchor/{rule.after}",
            then=f"then/{rule.then}",
            why=writer.text(rule.reason) if rule.reason else writer.word("none"),
        )
        for rule in policy.retention.values()
    ]
    rows.append(
        _row(
            writer,
            what=writer.word("request_records"),
            kept=duration_in(policy.rights.records_kept, writer.language),
            anchor="anchor/request_closed",
            then="then/delete",
            why=writer.word("request_records/why"),
        )
    )
    names = ("data", "kept", "from", "then", "why")
    columns = tuple(writer.word(f"column/{name}") for name in names)
    blocks: list[Block] = [writer.paragraph("retention.intro"), Table(columns, tuple(rows))]
    holds = policy.legal_holds
    if holds.allowed:
        reasons = listed(holds.reasons, writer.language) if holds.reasons else ""
        key = "retention.holds/reasons" if holds.reasons else "retention.holds"
        blocks.append(writer.paragraph("retention.holds", key, reasons=reasons))
    return Section("retention", writer.word("heading/retention"), tuple(blocks))


def _row(
    writer: Writer, *, what: str, kept: str, anchor: str, then: str, why: str
) -> tuple[Line, ...]:
    return ((what,), (kept,), (writer.word(anchor),), (writer.word(then),), (why,))
