"""Clients and their contracts: `privet clients add|end|list`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from privet.auditlog import service as auditlog
from privet.cli.common import (
    AsOfOption,
    DbOption,
    PolicyOption,
    clock_for,
    out,
    policy_from,
    refuse,
    settings_from,
    store_from,
)
from privet.clients import service as clients_service
from privet.clock import SystemClock

clients_app = typer.Typer(help="Clients and their contracts.", no_args_is_help=True)


@clients_app.command("add")
def clients_add(
    email: Annotated[str, typer.Argument(help="The client's email; finds or creates them.")],
    *,  # typer passes options by name
    reference: Annotated[str, typer.Option(help="The contract's reference, unique per client.")],
    start: Annotated[str, typer.Option(help="The day it starts, YYYY-MM-DD.")],
    end: Annotated[str | None, typer.Option(help="The day it ends, if known.")] = None,
    category: Annotated[
        str | None, typer.Option(help="The data category, if the policy has several.")
    ] = None,
    policy: PolicyOption = None,
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Record a contract: its data is kept by the policy's `after: contract_end` rule."""
    settings, clock = settings_from(policy, db), clock_for(as_of)
    loaded = policy_from(settings)
    try:
        starts_on = clients_service.parse_day(start, "--start")
        ends_on = None if end is None else clients_service.parse_day(end, "--end")
        new = clients_service.NewContract(email, reference, starts_on, ends_on, category)
        with store_from(settings, clock).transaction() as session:
            contract = clients_service.record_contract(session, loaded, new, clock.now())
    except clients_service.ContractError as error:
        refuse(str(error))
    out.print(
        f"recorded as '{contract.category}', purpose '{contract.purpose}' "
        f"({contract.legal_basis}); keep until: {clients_service.keep_label(loaded, contract)}",
        highlight=False,
        markup=False,
    )


@clients_app.command("end")
def clients_end(
    email: Annotated[str, typer.Argument(help="The client's email.")],
    reference: Annotated[str, typer.Option(help="The contract's reference.")],
    on: Annotated[str, typer.Option("--on", help="The day it ends, YYYY-MM-DD.")],
    policy: PolicyOption = None,
    db: DbOption = None,
) -> None:
    """Set the day a contract ends: its data's retention counts from that day."""
    settings = settings_from(policy, db)
    loaded = policy_from(settings)
    try:
        ends_on = clients_service.parse_day(on, "--on")
        with store_from(settings, SystemClock()).transaction() as session:
            contract = clients_service.find_contract(session, email, reference)
            clients_service.end_contract(contract, ends_on)
    except clients_service.ContractError as error:
        refuse(str(error))
    keep = clients_service.keep_label(loaded, contract)
    out.print(f"ends on {ends_on}; keep until: {keep}", highlight=False)


@clients_app.command("list")
def clients_list(
    email: Annotated[str | None, typer.Argument(help="Only this client's contracts.")] = None,
    policy: PolicyOption = None,
    db: DbOption = None,
) -> None:
    """List contracts, with the day each one's data may be deleted."""
    settings = settings_from(policy, db)
    loaded = policy_from(settings)
    clock = SystemClock()
    try:
        with store_from(settings, clock).transaction() as session:
            listed = clients_service.list_contracts(session, email)
            auditlog.record(session, auditlog.SHELL, "view", clock.now(),
                            details={"what": "clients list", "count": len(listed)})  # fmt: skip
    except clients_service.ContractError as error:
        refuse(str(error))
    if not listed:
        out.print("no contracts recorded")
        return
    table = Table(box=box.SIMPLE)
    for heading in ("client", "reference", "category", "legal basis"):
        table.add_column(heading, overflow="fold")  # wrapped, never cut off
    for heading in ("start", "end", "keep until"):
        table.add_column(heading, min_width=10, no_wrap=heading != "keep until")
    for item in listed:
        contract = item.contract
        end = contract.ends_on.isoformat() if contract.ends_on else "open"
        category = contract.category + (" (restricted)" if item.restricted_at else "")
        keep = clients_service.keep_label(loaded, contract)
        table.add_row(
            escape(item.email), escape(contract.reference), category,
            contract.legal_basis, contract.starts_on.isoformat(), end, keep,
        )  # fmt: skip
    out.print(table)
