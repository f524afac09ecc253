"""Who is asking: a staff member by session cookie (pages) or bearer token (API)."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from privet.admin import service
from privet.admin.roles import Role, may
from privet.web.errors import ApiError

SESSION_COOKIE = "privet_session"
LOGIN_CSRF_COOKIE = "privet_login_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass(frozen=True)
class Staff:
    user_id: uuid.UUID
    email: str
    role: str
    # None when authenticated by bearer token: no cookie is involved, so no CSRF risk.
    csrf_token: str | None


class LoginRequired(Exception):
    """No valid session or token; pages answer with a redirect to the login form."""


def current_staff(request: Request) -> Staff | None:
    store, now = request.app.state.store, request.app.state.clock.now()
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    with store.transaction() as session:
        if scheme.lower() == "bearer" and token:
            api_token = service.find_api_token(session, token.strip(), now)
            if api_token is None:
                return None
            user = api_token.user
            return Staff(user.id, user.email, service.token_role(api_token), None)
        cookie = request.cookies.get(SESSION_COOKIE)
        staff_session = service.find_session(session, cookie, now) if cookie else None
        if staff_session is None:
            return None
        user = staff_session.user
        return Staff(user.id, user.email, user.role, staff_session.csrf_token)


async def submitted_csrf(request: Request) -> str:
    """The CSRF token a state-changing request carries: a form's `csrf_token` field, or
    the X-CSRF-Token header for scripts. Starlette keeps the parsed form for the route."""
    if request.method in SAFE_METHODS:
        return ""
    if header := request.headers.get(CSRF_HEADER):
        return header
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get("csrf_token")
        return value if isinstance(value, str) else ""
    return ""


class Require:
    """A dependency admitting staff whose role is at least `minimum`. A cookie session
    changing anything must also send its CSRF token: every staff form is covered here,
    whether or not its route checks again. The route walk test reads `minimum`."""

    def __init__(self, minimum: Role) -> None:
        self.minimum = minimum

    def __call__(
        self, request: Request, submitted: Annotated[str, Depends(submitted_csrf)]
    ) -> Staff:
        staff = current_staff(request)
        if staff is None:
            raise LoginRequired
        if not may(staff.role, self.minimum):
            raise ApiError(403, "forbidden", f"this needs the {self.minimum} role or higher")
        if request.method not in SAFE_METHODS:
            check_csrf(staff, submitted)
        return staff


def require(minimum: Role) -> Require:
    return Require(minimum)


def check_csrf(staff: Staff, submitted: str) -> None:
    if staff.csrf_token is not None and not secrets.compare_digest(staff.csrf_token, submitted):
        raise ApiError(403, "csrf_failed", "the form was stale or forged: reload and try again")
