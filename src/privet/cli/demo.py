"""`privet demo`: an example company's site with privet wired in, on throw-away data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from privet.cli.common import out, policy_from, store_from
from privet.cli.project import run_service, template_file
from privet.clock import SystemClock
from privet.demo.prepare import ADMIN, demo_policy, demo_settings, reset_admin, site_url
from privet.logs import configure_logging

DEMO_FOLDER = Path(".privet-demo")


def demo(
    template: Annotated[
        str, typer.Option(help="The example policy: ntoprog, nt-progress or ntropic.")
    ] = "ntoprog",
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    folder: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            help="Its database, key and mail. Default: .privet-demo/TEMPLATE.",
        ),
    ] = None,
) -> None:
    """Serve an example company's site with privet wired in, on throw-away data.

    The site of the template's company (a home page, a page for each form its policy
    declares, the newsletter where a form has the opt-in box) is served at / beside
    privet's own pages and jobs, with the banner, the forms and the analytics. Everything
    is kept in --dir: policy.yaml and the PRIVET_* settings are not read, so a demo never
    writes into a real deployment. Mail goes to --dir/outbox, shown at /demo/mailbox.
    Erasure requests wait for an officer. Prints an admin login, with a new password at
    each start."""
    from privet.demo.app import create_demo_app  # the web stack, only for serving

    policy_file = template_file(template)
    settings = demo_settings(folder or DEMO_FOLDER / template, policy_file, site_url(host, port))
    configure_logging(settings.log_level)
    clock = SystemClock()
    loaded = demo_policy(policy_from(settings))
    store = store_from(settings, clock)
    password = reset_admin(store, clock.now())
    url = settings.base_url
    lines = [
        f"privet demo: {loaded.controller.name}'s policy {loaded.policy.version} "
        f"(template {template}), data in {settings.secret_key_file.parent}",
        f"  site      {url}/",
        f"  staff     {url}/admin   sign in as {ADMIN} with password {password}",
        f"  API docs  {url}/docs",
        f"  mailbox   {url}/demo/mailbox   (the demo's mail)",
        "The password is new at each start. Erasure requests wait for an officer at "
        "/admin/requests.",
    ]
    out.print("\n".join(lines), highlight=False, markup=False, soft_wrap=True)
    web_app = create_demo_app(settings, loaded, store, clock)
    run_service(web_app, settings, loaded, store, clock, host=host, port=port)
