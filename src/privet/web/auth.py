"""Who is asking: a staff member by session cookie (pages) or bearer token (API)."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

from privet.admin import service
from privet.admin.roles import Role, may
from privet.web.errors import ApiError

SESSION_COOKIE = "privet_session"
LOGIN_CSRF_COOKIE = "privet_login_csrf"


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
            return Staff(user.id, user.email, user.role, None)
        cookie = request.cookies.get(SESSION_COOKIE)
        staff_session = service.find_session(session, cookie, now) if cookie else None
        if staff_session is None:
            return None
        user = staff_session.user
        return Staff(user.id, user.email, user.role, staff_session.csrf_token)


def require(minimum: Role) -> Callable[[Request], Staff]:
    """A dependency admitting staff whose role is at least `minimum`."""

    def dependency(request: Request) -> Staff:
        staff = current_staff(request)
        if staff is None:
            raise LoginRequired
        if not may(staff.role, minimum):
            raise ApiError(403, "forbidden", f"this needs the {minimum} role or higher")
        return staff

    return dependency


def check_csrf(staff: Staff, submitted: str) -> None:
    if staff.csrf_token is not None and not secrets.compare_digest(staff.csrf_token, submitted):
        raise ApiError(403, "csrf_failed", "the form was stale or forged: reload and try again")
