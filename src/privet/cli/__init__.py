"""The `privet` command: thin verbs over the same service functions the web app calls.

One module a command group; `common` holds the options and helpers they share."""

from __future__ import annotations

import typer

from privet.cli import (
    analytics,
    auditlog,
    backup,
    clients,
    database,
    demo,
    marketing,
    outbox,
    policy,
    project,
    requests,
    retention,
    staff,
)

app = typer.Typer(
    help="privet keeps the promises that a privacy policy makes.",
    no_args_is_help=True,
    add_completion=False,
)
for command in (
    project.init,
    project.check,
    project.ropa,
    project.serve,
    demo.demo,
    requests.export,
    requests.erase,
    retention.sweep,
    retention.audit,
    analytics.stats,
    backup.backup,
    backup.restore,
    database.rotate_key,
):
    app.command()(command)
app.add_typer(database.db_app, name="db")
app.add_typer(staff.admin_app, name="admin")
app.add_typer(database.key_app, name="key")
app.add_typer(outbox.outbox_app, name="outbox")
app.add_typer(clients.clients_app, name="clients")
app.add_typer(marketing.marketing_app, name="marketing")
app.add_typer(retention.holds_app, name="holds")
app.add_typer(auditlog.audit_log_app, name="audit-log")
app.add_typer(policy.policy_app, name="policy")
