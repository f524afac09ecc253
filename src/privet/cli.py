"""The `privet` command: thin verbs over the same service functions the web app calls."""

from __future__ import annotations

import csv
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, NoReturn, TextIO

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from privet.admin import service as staff_service
from privet.admin.roles import ROLES
from privet.clients import service as clients_service
from privet.clock import Clock, FixedClock, SystemClock
from privet.config import SETTINGS, Settings, SettingsError
from privet.logs import configure_logging
from privet.marketing import export
from privet.marketing.service import NoMarketing
from privet.notify import service as notify_service
from privet.notify.loop import DeliveryLoop
from privet.notify.transport import Transport, transport_for
from privet.policy.load import PolicyError, load_policy
from privet.policy.schema import Policy
from privet.policy.summary import summarise
from privet.store.crypto import SecretKeyError, generate_secret
from privet.store.migrate import current_revision, head_revision, upgrade
from privet.store.open import Store, open_store

TEMPLATES = Path(__file__).parent / "policy" / "templates"

app = typer.Typer(
    help="privet keeps the promises that a privacy policy makes.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="The database: migrations.", no_args_is_help=True)
admin_app = typer.Typer(help="Staff users and API tokens.", no_args_is_help=True)
key_app = typer.Typer(help="The secret key that encrypts personal fields.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(admin_app, name="admin")
app.add_typer(key_app, name="key")
outbox_app = typer.Typer(help="Mail waiting to be sent.", no_args_is_help=True)
app.add_typer(outbox_app, name="outbox")
clients_app = typer.Typer(help="Clients and their contracts.", no_args_is_help=True)
app.add_typer(clients_app, name="clients")
marketing_app = typer.Typer(help="Who may receive marketing email.", no_args_is_help=True)
app.add_typer(marketing_app, name="marketing")

out = Console()

PolicyOption = Annotated[
    Path | None,
    typer.Option(
        "--policy",
        envvar=SETTINGS["policy"].env,
        help=f"{SETTINGS['policy'].help} Default: {SETTINGS['policy'].default}.",
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar=SETTINGS["database_url"].env,
        help=f"{SETTINGS['database_url'].help} Default: {SETTINGS['database_url'].default}.",
    ),
]
AsOfOption = Annotated[
    datetime | None,
    typer.Option(
        "--as-of", help="Act as if it were this date (YYYY-MM-DD), for trying time rules."
    ),
]


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _settings(policy: Path | None = None, db: str | None = None) -> Settings:
    try:
        settings = Settings.from_env(policy=policy, database_url=db)
    except SettingsError as error:
        _fail(str(error))
    configure_logging(settings.log_level)
    return settings


def _clock(as_of: datetime | None) -> Clock:
    return FixedClock(as_of.replace(tzinfo=UTC)) if as_of else SystemClock()


def _policy(settings: Settings) -> Policy:
    try:
        return load_policy(settings.policy)
    except PolicyError as error:
        typer.echo(str(error), err=True)  # never wrapped: editors jump to FILE:LINE
        raise typer.Exit(1) from None


def _transport(settings: Settings) -> Transport:
    try:
        return transport_for(settings)
    except SettingsError as error:
        _fail(str(error))


def _store(settings: Settings, clock: Clock) -> Store:
    try:
        return open_store(settings, clock)
    except SecretKeyError as error:
        _fail(str(error))


@app.command()
def init(
    template: Annotated[str, typer.Option(help="ntoprog, nt-progress or ntropic.")] = "ntoprog",
    policy: PolicyOption = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write a starter policy.yaml from one of the example policies."""
    source = TEMPLATES / template / "policy.yaml"
    if not source.is_file():
        names = ", ".join(sorted(p.name for p in TEMPLATES.iterdir() if p.is_dir()))
        _fail(f"no template '{template}' (templates: {names})")
    target = _settings(policy).policy
    if target.exists() and not force:
        _fail(f"{target} exists; pass --force to overwrite it")
    shutil.copyfile(source, target)
    out.print(f"wrote {target} from the {template} template; check it with `privet check`")


@app.command()
def check(policy: PolicyOption = None) -> None:
    """Validate the policy: FILE:LINE: CODE message for each problem, exit 1 if any."""
    settings = _settings(policy)
    loaded = _policy(settings)
    table = Table(title=f"{settings.policy} is valid", show_header=False, title_justify="left")
    for label, value in summarise(loaded):
        table.add_row(label, value)
    out.print(table)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    policy: PolicyOption = None,
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Run the web service: admin pages, the JSON API and its docs at /docs."""
    import uvicorn

    from privet.web.app import create_app

    settings = _settings(policy, db)
    clock = _clock(as_of)
    loaded = _policy(settings)
    store = _store(settings, clock)
    out.print(
        f"privet: {loaded.controller.name}'s policy {loaded.policy.version} at "
        f"http://{host}:{port} (admin: /admin, API docs: /docs)",
        highlight=False,
    )
    web_app = create_app(settings, loaded, store, clock)
    mail = DeliveryLoop(store.sessions, _transport(settings), clock)
    mail.start()
    try:
        uvicorn.run(
            web_app, host=host, port=port, log_config=None, access_log=False, server_header=False
        )
    finally:
        mail.stop()


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Migrate the database to the latest schema (privet serve also does this on start)."""
    settings = _settings(db=db)
    store = _store(settings, SystemClock())
    upgrade(store.engine)
    out.print(f"database at revision {current_revision(store.engine)} (latest: {head_revision()})")


@admin_app.command("create-user")
def create_user(
    email: Annotated[str, typer.Argument(help="The staff member's email; their login.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")] = "officer",
    password: Annotated[
        str,
        typer.Option(
            prompt=True, hide_input=True, confirmation_prompt=True, help="Asked if not given."
        ),
    ] = "",
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Create a staff user who can sign in at /admin."""
    clock = _clock(as_of)
    store = _store(_settings(db=db), clock)
    try:
        with store.transaction() as session:
            staff_service.create_user(session, email, role, password, clock.now())
    except staff_service.StaffError as error:
        _fail(str(error))
    out.print(f"created {role} user; they can sign in at /admin")


@admin_app.command("create-token")
def create_token(
    email: Annotated[str, typer.Argument(help="The staff user the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for, e.g. 'ci export'.")],
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Create a bearer token for the API; it is shown once and stored only as a hash."""
    clock = _clock(as_of)
    store = _store(_settings(db=db), clock)
    with store.transaction() as session:
        user = staff_service.find_user(session, email)
        if user is None:
            _fail("no staff user with that email")
        token = staff_service.create_api_token(session, user, name, clock.now())
    out.print(token, highlight=False)


@key_app.command("generate")
def key_generate() -> None:
    """Print a new random secret key, for PRIVET_SECRET_KEY or a key file."""
    out.print(generate_secret(), highlight=False)


@outbox_app.command("deliver")
def outbox_deliver(db: DbOption = None, as_of: AsOfOption = None) -> None:
    """Send the mail that is due now, through PRIVET_SMTP_URL or into the outbox folder."""
    settings = _settings(db=db)
    transport = _transport(settings)
    clock = _clock(as_of)
    store = _store(settings, clock)
    delivery = notify_service.deliver_all_due(store.sessions, transport, clock)
    out.print(
        f"sent {delivery.sent}, to retry {delivery.retrying}, given up {delivery.given_up}",
        highlight=False,
    )


def _refuse(message: str) -> NoReturn:
    """Bad input: exit 2, as for a usage error, so scripts can tell it from a failure."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


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
    settings, clock = _settings(policy, db), _clock(as_of)
    loaded = _policy(settings)
    try:
        starts_on = clients_service.parse_day(start, "--start")
        ends_on = None if end is None else clients_service.parse_day(end, "--end")
        new = clients_service.NewContract(email, reference, starts_on, ends_on, category)
        with _store(settings, clock).transaction() as session:
            contract = clients_service.record_contract(session, loaded, new, clock.now())
    except clients_service.ContractError as error:
        _refuse(str(error))
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
    settings = _settings(policy, db)
    loaded = _policy(settings)
    try:
        ends_on = clients_service.parse_day(on, "--on")
        with _store(settings, SystemClock()).transaction() as session:
            contract = clients_service.find_contract(session, email, reference)
            clients_service.end_contract(contract, ends_on)
    except clients_service.ContractError as error:
        _refuse(str(error))
    keep = clients_service.keep_label(loaded, contract)
    out.print(f"ends on {ends_on}; keep until: {keep}", highlight=False)


@clients_app.command("list")
def clients_list(
    email: Annotated[str | None, typer.Argument(help="Only this client's contracts.")] = None,
    policy: PolicyOption = None,
    db: DbOption = None,
) -> None:
    """List contracts, with the day each one's data may be deleted."""
    settings = _settings(policy, db)
    loaded = _policy(settings)
    try:
        with _store(settings, SystemClock()).transaction() as session:
            listed = clients_service.list_contracts(session, email)
    except clients_service.ContractError as error:
        _refuse(str(error))
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
        keep = clients_service.keep_label(loaded, contract)
        table.add_row(
            escape(item.email), escape(contract.reference), contract.category,
            contract.legal_basis, contract.starts_on.isoformat(), end, keep,
        )  # fmt: skip
    out.print(table)


@marketing_app.command("export")
def marketing_export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE (mode 0600), not stdout.")
    ] = None,
    policy: PolicyOption = None,
    db: DbOption = None,
) -> None:
    """List who may be mailed now, as CSV for a mailing processor.

    Columns: email, name, language, consented_at, policy_version, unsubscribe_url. Left
    out: suppressed addresses, objecting or restricted people, unconfirmed or withdrawn
    opt-ins."""
    settings = _settings(policy, db)
    loaded = _policy(settings)
    store = _store(settings, SystemClock())
    with store.transaction() as session:
        try:
            rows = [r.row() for r in export.mailable(session, loaded, settings.base_url)]
        except NoMarketing:
            _refuse("the policy has no marketing section: nobody may be mailed")
    with _output(output) as stream:
        writer = csv.writer(stream)
        writer.writerow(export.COLUMNS)
        writer.writerows([_csv_safe(cell) for cell in row] for row in rows)
    typer.echo(f"{len(rows)} people may be mailed", err=True)


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(descriptor, "w", newline="", encoding="utf-8") as stream:
        yield stream


def _csv_safe(cell: str) -> str:
    """A name typed into a form must not run as a formula in the spreadsheet it lands in."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
