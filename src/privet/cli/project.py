"""The policy file and the service: `privet init`, `check`, `serve`."""

from __future__ import annotations

import json
import logging
import shutil
import signal
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.table import Table

from privet.analytics.rollup import roll_up_chore
from privet.backup.schedule import backup_chore
from privet.cli.common import (
    AsOfOption,
    DbOption,
    PolicyOption,
    clock_for,
    fail,
    out,
    policy_from,
    settings_from,
    store_from,
    transport_from,
)
from privet.clock import Clock
from privet.config import Settings
from privet.notify.loop import DeliveryLoop
from privet.periodic import Periodic
from privet.policy.ropa import as_csv, record_of_processing
from privet.policy.schema import Policy
from privet.policy.summary import summarise
from privet.policy.texts import choose_language
from privet.retention.watch import retention_chores
from privet.rights.reminders import request_chores
from privet.store.open import Store
from privet.transparency.versions import record_policy_in_force

if TYPE_CHECKING:  # the web stack is imported only by the commands that serve
    from fastapi import FastAPI

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent.parent / "policy" / "templates"


def init(
    template: Annotated[str, typer.Option(help="ntoprog, nt-progress or ntropic.")] = "ntoprog",
    policy: PolicyOption = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write a starter policy.yaml from one of the example policies."""
    source = template_file(template)
    target = settings_from(policy).policy
    if target.exists() and not force:
        fail(f"{target} exists; pass --force to overwrite it")
    shutil.copyfile(source, target)
    out.print(f"wrote {target} from the {template} template; check it with `privet check`")


def check(policy: PolicyOption = None) -> None:
    """Validate the policy: FILE:LINE: CODE message for each problem, exit 1 if any."""
    settings = settings_from(policy)
    loaded = policy_from(settings)
    table = Table(title=f"{settings.policy} is valid", show_header=False, title_justify="left")
    for label, value in summarise(loaded):
        table.add_row(label, value)
    out.print(table)


def ropa(
    *,
    format_: Annotated[
        Literal["json", "csv"], typer.Option("--format", help="json or csv.")
    ] = "json",
    lang: Annotated[str | None, typer.Option(help="Language of the texts.")] = None,
    policy: PolicyOption = None,
) -> None:
    """Print the record of processing activities (GDPR art. 30) the policy declares:
    one activity a purpose, with its legal basis, data subjects and categories,
    recipients, transfers and safeguards, retention, and the security measures."""
    loaded = policy_from(settings_from(policy))
    record = record_of_processing(loaded, choose_language(loaded, lang))
    if format_ == "csv":
        typer.echo(as_csv(record), nl=False)
    else:
        typer.echo(json.dumps(record, ensure_ascii=False, indent=2))


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    policy: PolicyOption = None,
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Run the web service: admin pages, the JSON API and its docs at /docs.

    Beside it, the outbox is delivered, officers are reminded of deadlines, page views
    are rolled up into daily aggregates each hour, and the retention rules are swept once
    a day; officers are mailed if a sweep fails. An encrypted backup is taken once a day into
    PRIVET_BACKUP_DIR (default: backups/ beside the key file; off: none), and officers are
    mailed if it fails."""
    from privet.web.app import create_app

    settings = settings_from(policy, db)
    clock = clock_for(as_of)
    loaded = policy_from(settings)
    store = store_from(settings, clock)
    out.print(
        f"privet: {loaded.controller.name}'s policy {loaded.policy.version} at "
        f"http://{host}:{port} (admin: /admin, API docs: /docs)",
        highlight=False,
    )
    run_service(create_app(settings, loaded, store, clock), settings, loaded, store, clock,
                host=host, port=port)  # fmt: skip


def run_service(
    web_app: FastAPI, settings: Settings, loaded: Policy, store: Store, clock: Clock, *,
    host: str, port: int,
) -> None:  # fmt: skip
    """Serve `web_app` with privet's chores beside it until stopped: what `serve` and
    `demo` share. The policy in force is recorded first, as its first version if none is.

    SIGTERM (systemd's stop) and Ctrl+C end it cleanly: uvicorn finishes the requests under
    way, then each chore its pass, and the process exits 0."""
    import uvicorn

    with store.transaction() as session:
        source = settings.policy.read_text(encoding="utf-8")
        record_policy_in_force(session, loaded, source, clock.now())
    loops = _chores(settings, loaded, store, clock)
    for loop in loops:
        loop.start()
    before = signal.signal(signal.SIGTERM, _exit_cleanly)
    try:
        # proxy_headers off: privet believes X-Forwarded-For only from PRIVET_TRUSTED_PROXIES.
        uvicorn.run(
            web_app, host=host, port=port, log_config=None, access_log=False,
            server_header=False, proxy_headers=False,
        )  # fmt: skip
    finally:
        for loop in loops:
            loop.stop()
        signal.signal(signal.SIGTERM, before)
        log.info("stopped", extra={"chores": len(loops)})


def _chores(settings: Settings, loaded: Policy, store: Store, clock: Clock) -> list[Periodic]:
    """Mail delivery, deadline reminders, retention sweeps, analytics roll-ups, backups."""
    chores = partial(request_chores, store, loaded, settings.base_url, clock)
    retention = partial(retention_chores, store, loaded, settings.base_url, clock)
    analytics = partial(roll_up_chore, store, loaded, clock)
    loops: list[Periodic] = [
        DeliveryLoop(store.sessions, transport_from(settings), clock),
        Periodic("privet-requests", timedelta(hours=1), chores),
        Periodic("privet-retention", timedelta(hours=1), retention),
        Periodic("privet-analytics", timedelta(hours=1), analytics),
    ]
    if settings.backup_dir is not None:
        backups = partial(backup_chore, store, loaded, settings, clock)
        loops.append(Periodic("privet-backup", timedelta(hours=1), backups))
    return loops


def _exit_cleanly(_signal: int, _frame: object) -> None:
    # uvicorn catches SIGTERM to shut down, then puts this handler back and raises the
    # signal again; the default handler would end the process before the chores stop.
    raise SystemExit(0)


def template_file(name: str) -> Path:
    """The policy.yaml of an example policy, or exit 1 naming the templates there are."""
    source = TEMPLATES / name / "policy.yaml"
    if not source.is_file():
        names = ", ".join(sorted(p.name for p in TEMPLATES.iterdir() if p.is_dir()))
        fail(f"no template '{name}' (templates: {names})")
    return source
