"""Who else sees the data and where it lives: security, processors and disclosures,
storage, and transfers outside the storage region with their safeguards."""

from __future__ import annotations

from privet.policy.checks import in_region
from privet.policy.schema import Processor
from privet.transparency.document import (
    Block,
    Items,
    Line,
    Section,
    Strong,
    Table,
    Writer,
    compose,
)
from privet.transparency.formats import countries_in, country_in


def security(writer: Writer) -> Section:
    measures = tuple((writer.text(measure),) for measure in writer.policy.security.measures)
    blocks = (writer.paragraph("security.intro"), Items(measures))
    return Section("security", writer.word("heading/security"), blocks)


def sharing(writer: Writer) -> Section:
    policy = writer.policy
    sold = "sharing.sold/true" if policy.sharing.sold else "sharing.sold/false"
    blocks: list[Block] = [writer.paragraph("sharing.sold", sold)]
    if policy.processors:
        columns = ("provider", "service", "location", "safeguard")
        rows = tuple(_processor(writer, processor) for processor in policy.processors.values())
        blocks.append(writer.paragraph("sharing.processors"))
        blocks.append(Table(tuple(writer.word(f"column/{c}") for c in columns), rows))
    if policy.sharing.disclosures:
        disclosures = tuple((writer.text(said),) for said in policy.sharing.disclosures)
        blocks += [writer.paragraph("sharing.disclosures"), Items(disclosures)]
    return Section("sharing", writer.word("heading/sharing"), tuple(blocks))


def _processor(writer: Writer, processor: Processor) -> tuple[Line, ...]:
    return (
        (processor.name,),
        (writer.text(processor.service),),
        (country_in(processor.location, writer.language),),
        (writer.word(f"safeguard/{processor.safeguard}"),),
    )


def storage(writer: Writer) -> Section:
    declared = writer.policy.storage
    region = countries_in(declared.region, writer.language)
    blocks: list[Block] = [writer.paragraph("storage.region", region=region)]
    if declared.strict:
        blocks.append(writer.paragraph("storage.strict"))
    return Section("storage", writer.word("heading/storage"), tuple(blocks))


def transfers(writer: Writer) -> Section | None:
    """Processors outside the storage region and declared transfers, each with its safeguard."""
    policy = writer.policy
    region = policy.storage.region
    abroad = [p for p in policy.processors.values() if not in_region(p.location, region)]
    if not abroad and not policy.transfers:
        return None
    line = writer.word("label/line")
    items = [
        compose(
            line,
            label=(Strong(processor.name), f" ({country_in(processor.location, writer.language)})"),
            value=writer.word(f"safeguard/{processor.safeguard}"),
        )
        for processor in abroad
    ]
    for transfer in policy.transfers:
        said = writer.word(f"safeguard/{transfer.safeguard}")
        if transfer.description is not None:
            said += ". " + writer.text(transfer.description)
        items.append(compose(line, label=Strong(transfer.to), value=said))
    blocks = (
        writer.paragraph("transfers.intro", region=countries_in(region, writer.language)),
        Items(tuple(items)),
        writer.paragraph("transfers.more", contact=writer.mail(policy.controller.email)),
    )
    return Section("transfers", writer.word("heading/transfers"), blocks)
