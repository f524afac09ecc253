"""The `privet` command: thin verbs over the same service functions the web app calls."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from privet.admin import service as staff_service
from privet.admin.roles import ROLES
from privet.clock import Clock, FixedClock, SystemClock
from privet.config import SETTINGS, Settings, SettingsError
from privet.logs import configure_logging
from privet.notify import service as notify_service
from privet.notify.transport import transport_for
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
    uvicorn.run(
        web_app, host=host, port=port, log_config=None, access_log=False, server_header=False
    )


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
    try:
        transport = transport_for(settings)
    except SettingsError as error:
        _fail(str(error))
    clock = _clock(as_of)
    store = _store(settings, clock)
    delivery = notify_service.deliver_all_due(store.sessions, transport, clock)
    out.print(
        f"sent {delivery.sent}, to retry {delivery.retrying}, given up {delivery.given_up}",
        highlight=False,
    )
