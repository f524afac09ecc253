"""What people can ask and expect: their rights, children's data, marketing email."""

from __future__ import annotations

from privet.policy.durations import Duration
from privet.transparency.document import Block, Items, Section, Strong, Writer, compose
from privet.transparency.formats import duration_in

PORTAL = "/privacy/requests"


def rights(writer: Writer) -> Section:
    declared = writer.policy.rights
    offered = tuple(
        compose(
            writer.word("right/line"),
            name=Strong(writer.word(f"right/{right}")),
            what=writer.word(f"right/{right}/what"),
        )
        for right in declared.offered
    )
    portal = writer.page(PORTAL, writer.word("link/portal"))
    deadline = duration_in(declared.deadline, writer.language)
    blocks: list[Block] = [
        writer.paragraph("rights.intro"),
        Items(offered),
        writer.paragraph("rights.how", portal=portal, contact=writer.mail(declared.contact)),
        writer.paragraph("rights.deadline", deadline=deadline),
    ]
    if declared.extension is not None:
        extension = duration_in(declared.extension, writer.language)
        blocks.append(writer.paragraph("rights.extension", extension=extension))
    if declared.direct_transfer and "portability" in declared.offered:
        blocks.append(writer.paragraph("rights.direct_transfer"))
    if declared.supervisory_authority is not None:
        authority = writer.text(declared.supervisory_authority).rstrip(".")
        blocks.append(writer.paragraph("rights.complaint", authority=authority))
    return Section("rights", writer.word("heading/rights"), tuple(blocks))


def children(writer: Writer) -> Section | None:
    policy = writer.policy
    if policy.children is None:
        return None
    # "13 years", "13 ans", "13 лет": the plural form fits the sentence in each language.
    age = duration_in(Duration(policy.children.minimum_age, "years"), writer.language)
    blocks: list[Block] = [writer.paragraph("children.age", age=age)]
    if any(form.asks_age(policy) for form in policy.forms.values()):
        blocks.append(writer.paragraph("children.forms", age=age))
    if policy.children.parent_requests:
        portal = writer.page(PORTAL, writer.word("link/portal"))
        contact = writer.mail(policy.rights.contact)
        blocks.append(writer.paragraph("children.parents", portal=portal, contact=contact))
    return Section("children", writer.word("heading/children"), tuple(blocks))


def marketing(writer: Writer) -> Section | None:
    policy, declared = writer.policy, writer.policy.marketing
    if declared is None:
        return None
    purpose = writer.text(policy.purposes[declared.purpose].description).rstrip(".")
    consent = "marketing.consent" if declared.requires_consent else "marketing.consent/none"
    blocks: list[Block] = [writer.paragraph("marketing.consent", consent, purpose=purpose)]
    if declared.double_opt_in:
        blocks.append(writer.paragraph("marketing.double_opt_in"))
    unsubscribe = f"marketing.unsubscribe/{declared.unsubscribe}"
    contact = writer.mail(policy.rights.contact)
    blocks.append(writer.paragraph("marketing.unsubscribe", unsubscribe, contact=contact))
    scope = f"marketing.scope/{declared.opt_out_scope}"
    blocks.append(writer.paragraph("marketing.scope", scope))
    if declared.processor is not None:
        processor = policy.processors[declared.processor].name
        blocks.append(writer.paragraph("marketing.processor", processor=processor))
    return Section("marketing", writer.word("heading/marketing"), tuple(blocks))
