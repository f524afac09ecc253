"""Mail waiting to be sent: `privet outbox deliver`."""

from __future__ import annotations

import typer

from privet.cli.common import (
    AsOfOption,
    DbOption,
    clock_for,
    out,
    settings_from,
    store_from,
    transport_from,
)
from privet.notify import service as notify_service

outbox_app = typer.Typer(help="Mail waiting to be sent.", no_args_is_help=True)


@outbox_app.command("deliver")
def outbox_deliver(db: DbOption = None, as_of: AsOfOption = None) -> None:
    """Send the mail that is due now, through PRIVET_SMTP_URL or into the outbox folder."""
    settings = settings_from(db=db)
    transport = transport_from(settings)
    clock = clock_for(as_of)
    store = store_from(settings, clock)
    delivery = notify_service.deliver_all_due(store.sessions, transport, clock)
    out.print(
        f"sent {delivery.sent}, to retry {delivery.retrying}, given up {delivery.given_up}",
        highlight=False,
    )
