"""Requests received by post or phone: `privet export EMAIL` and `privet erase EMAIL`."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from privet.cli.common import (
    AsOfOption,
    DbOption,
    PolicyOption,
    clock_for,
    fail,
    out,
    policy_from,
    refuse,
    settings_from,
    store_from,
)
from privet.policy.schema import Policy
from privet.policy.texts import choose_language
from privet.rights import service
from privet.rights.carry_out import Context, carry_out
from privet.rights.models import DataRequest, RequestExport
from privet.store.open import Store

LanguageOption = Annotated[
    str | None, typer.Option(help="The language of the answer mail (default: the policy's).")
]


def export(
    email: Annotated[str, typer.Argument(help="The requester's email address.")],
    *,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Where to write the ZIP (default: privet-export-ID.zip)."),
    ] = None,
    portability: Annotated[
        bool, typer.Option(help="Record it as a portability request rather than access.")
    ] = False,
    language: LanguageOption = None,
    policy: PolicyOption = None,
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Answer an access request received by post or phone: write everything held as a ZIP.

    The request is recorded with its deadline and history like one from the portal, and
    the requester is mailed the download link too."""
    kind = "portability" if portability else "access"
    settings, clock = settings_from(policy, db), clock_for(as_of)
    loaded, store = policy_from(settings), store_from(settings, clock)
    request_id = _received(store, loaded, kind, email, language=language, now=clock.now())
    status = carry_out(store, Context.of(loaded, settings, clock.now()), request_id)
    with store.transaction() as session:
        stored = session.scalars(
            select(RequestExport).where(RequestExport.request_id == request_id)
        ).first()
        archive = base64.b64decode(stored.archive) if stored else None
    if archive is None:
        fail(f"request {request_id} is {status}: its history is at /admin/requests/{request_id}")
    target = out_file or Path(f"privet-export-{request_id}.zip")
    target.write_bytes(archive)
    target.chmod(0o600)
    out.print(f"request {request_id}: {status}; wrote {target}", highlight=False)


def erase(
    email: Annotated[str, typer.Argument(help="The requester's email address.")],
    *,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    language: LanguageOption = None,
    policy: PolicyOption = None,
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Answer an erasure request received by post or phone, keeping what the law requires."""
    if not yes:
        typer.confirm("Erase everything about this person that the law does not keep?", abort=True)
    settings, clock = settings_from(policy, db), clock_for(as_of)
    loaded, store = policy_from(settings), store_from(settings, clock)
    request_id = _received(store, loaded, "erasure", email, language=language, now=clock.now())
    status = carry_out(store, Context.of(loaded, settings, clock.now()), request_id)
    with store.transaction() as session:
        found = session.get_one(DataRequest, request_id)
        lines = service.answer_lines(found)
        steps = [(event.step, event.note) for event, _ in service.history(session, request_id)]
    out.print(f"request {request_id}: {status}", highlight=False)
    for line in lines or [f"{step}: {note}" for step, note in steps if note]:
        out.print(line, highlight=False, markup=False)


def _received(
    store: Store, policy: Policy, kind: str, email: str, *, language: str | None, now: datetime
) -> uuid.UUID:
    try:
        with store.transaction() as session:
            request = service.staff_request(
                session, policy, kind, email, language=choose_language(policy, language), now=now
            )
            return request.id
    except service.RequestInvalid as error:
        refuse(str(error))
