"""Staff users and API tokens: `privet admin ...`."""

from __future__ import annotations

from typing import Annotated

import typer

from privet.admin import service as staff_service
from privet.admin.roles import ROLES
from privet.cli.common import (
    AsOfOption,
    DbOption,
    clock_for,
    fail,
    out,
    settings_from,
    store_from,
)

admin_app = typer.Typer(help="Staff users and API tokens.", no_args_is_help=True)


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
    clock = clock_for(as_of)
    store = store_from(settings_from(db=db), clock)
    try:
        with store.transaction() as session:
            staff_service.create_user(session, email, role, password, clock.now())
    except staff_service.StaffError as error:
        fail(str(error))
    out.print(f"created {role} user; they can sign in at /admin")


@admin_app.command("create-token")
def create_token(
    email: Annotated[str, typer.Argument(help="The staff user the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for, e.g. 'ci export'.")],
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Create a bearer token for the API; it is shown once and stored only as a hash."""
    clock = clock_for(as_of)
    store = store_from(settings_from(db=db), clock)
    with store.transaction() as session:
        user = staff_service.find_user(session, email)
        if user is None:
            fail("no staff user with that email")
        token = staff_service.create_api_token(session, user, name, clock.now())
    out.print(token, highlight=False)
