"""Staff users, their second factor and API tokens: `privet admin ...`."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated

import typer
from rich.markup import escape
from sqlalchemy.orm import Session

from privet.admin import service as staff_service
from privet.admin import totp
from privet.admin.models import ApiToken, StaffUser
from privet.admin.roles import ROLES
from privet.cli.common import (
    AsOfOption,
    DbOption,
    clock_for,
    fail,
    out,
    refuse,
    settings_from,
    store_from,
)

admin_app = typer.Typer(
    help="Staff users, their second factor and API tokens.", no_args_is_help=True
)


# Typed twice and hidden at the prompt, never in the shell's history.
PasswordOption = Annotated[
    str,
    typer.Option(
        prompt=True, hide_input=True, confirmation_prompt=True, help="Asked if not given."
    ),
]


@admin_app.command("create-user")
def create_user(
    email: Annotated[str, typer.Argument(help="The staff member's email; their login.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")] = "officer",
    password: PasswordOption = "",
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


@admin_app.command("set-password")
def set_password(
    email: Annotated[str, typer.Argument(help="The staff user.")],
    password: PasswordOption = "",
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Give a staff user a new password; their sessions end (API tokens stay)."""
    clock = clock_for(as_of)
    store = store_from(settings_from(db=db), clock)
    try:
        with store.transaction() as session:
            ended = staff_service.set_password(
                session, _user(session, email), password, clock.now()
            )
    except staff_service.StaffError as error:
        fail(str(error))
    out.print(f"password set; {ended} session(s) ended")


@admin_app.command("create-token")
def create_token(
    email: Annotated[str, typer.Argument(help="The staff user the token acts as.")],
    *,  # typer passes options by name
    name: Annotated[str, typer.Option(help="What the token is for, e.g. 'ci export'.")],
    scope: Annotated[
        str, typer.Option(help=f"The most it may do, up to its owner's role: {', '.join(ROLES)}.")
    ] = "viewer",
    days: Annotated[
        int | None, typer.Option(min=1, help="Days until it expires. Default: it never does.")
    ] = None,
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Create a bearer token for the API; it is shown once and stored only as a hash."""
    if scope not in ROLES:
        refuse(f"--scope must be one of {', '.join(ROLES)}")
    clock = clock_for(as_of)
    store = store_from(settings_from(db=db), clock)
    now = clock.now()
    expires_at = now + timedelta(days=days) if days else None
    try:
        with store.transaction() as session:
            user = _user(session, email)
            token = staff_service.create_api_token(
                session, user, name, now, scope=scope, expires_at=expires_at
            )
    except staff_service.StaffError as error:
        refuse(str(error))
    out.print(token, highlight=False)


@admin_app.command("list-tokens")
def list_tokens(db: DbOption = None, as_of: AsOfOption = None) -> None:
    """List the API tokens, a line each: id, scope, state, expiry, last use, name, owner."""
    clock = clock_for(as_of)
    store = store_from(settings_from(db=db), clock)
    with store.transaction() as session:
        # A line a token, not a table: the id stays whole (for revoke-token) on any terminal.
        lines = [
            f"{token.id}  {token.scope:<7}  {_state(token, clock.now()):<7}  "
            f"expires {_day(token.expires_at)}  last used {_day(token.last_used_at)}  "
            f"{escape(token.name)} ({escape(token.user.email)})"
            for token in staff_service.list_api_tokens(session)
        ]
    out.print("\n".join(lines) or "no API tokens", highlight=False, soft_wrap=True)


@admin_app.command("revoke-token")
def revoke_token(
    token_id: Annotated[str, typer.Argument(help="The token's id, from list-tokens.")],
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Revoke an API token: refused from the next request on. Noted in the audit log."""
    try:
        parsed = uuid.UUID(token_id)
    except ValueError:
        refuse("a token id looks like 1b4e28ba-2fa1-11d2-883f-0016d3cca427")
    clock = clock_for(as_of)
    store = store_from(settings_from(db=db), clock)
    with store.transaction() as session:
        if not staff_service.revoke_api_token(session, parsed, clock.now()):
            fail("no token with that id that is not revoked already")
    out.print("revoked")


@admin_app.command("totp-enable")
def totp_enable(
    email: Annotated[str, typer.Argument(help="The staff user who will need a code to sign in.")],
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Turn on a second factor: sign-ins then need a code from an authenticator app.
    Prints the otpauth:// URI and the secret, once."""
    clock = clock_for(as_of)
    store = store_from(settings_from(db=db), clock)
    try:
        with store.transaction() as session:
            user = _user(session, email)
            secret = staff_service.enable_totp(session, user, clock.now())
            uri = totp.provisioning_uri(secret, user.email)
    except staff_service.StaffError as error:
        fail(str(error))
    out.print("Add this to an authenticator app (as a QR code or typed); it is shown only now:")
    out.print(uri, highlight=False, soft_wrap=True)
    out.print(f"secret: {secret}", highlight=False)


@admin_app.command("totp-disable")
def totp_disable(
    email: Annotated[str, typer.Argument(help="The staff user.")],
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Turn off a staff user's second factor: a password alone signs them in again."""
    clock = clock_for(as_of)
    store = store_from(settings_from(db=db), clock)
    with store.transaction() as session:
        if not staff_service.disable_totp(session, _user(session, email), clock.now()):
            fail("that staff user has no second factor")
    out.print("second factor turned off")


def _user(session: Session, email: str) -> StaffUser:
    user = staff_service.find_user(session, email)
    if user is None:
        fail("no staff user with that email")
    return user


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else "never"


def _state(token: ApiToken, now: datetime) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"
