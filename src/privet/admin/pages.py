"""The staff's pages: sign in, sign out, and the dashboard later capabilities link from."""

from __future__ import annotations

import math
import secrets
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from privet import __version__
from privet.admin import service, throttle
from privet.admin.service import SESSION_LIFETIME
from privet.auditlog import service as auditlog
from privet.policy.ropa import record_of_processing
from privet.policy.summary import summarise
from privet.web.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, Staff, check_csrf, require
from privet.web.errors import ApiError
from privet.web.templating import templates

router = APIRouter(prefix="/admin", include_in_schema=False)


def _page(request: Request, name: str, status: int = 200, **context: object) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"version": __version__, **context}, status)


@router.get("/login")
def login_form(request: Request, failed: bool = False) -> HTMLResponse:
    return _login_page(request, 401 if failed else 200, failed=failed)


def _login_page(request: Request, status: int, **context: object) -> HTMLResponse:
    # Login CSRF: the form must echo a random value that only this browser holds in a cookie.
    csrf = secrets.token_urlsafe(32)
    response = _page(request, "admin/login.html", status, csrf=csrf, **context)
    response.set_cookie(
        LOGIN_CSRF_COOKIE, csrf, httponly=True, samesite="strict",
        secure=request.app.state.settings.secure_cookies, path="/admin/login",
    )  # fmt: skip
    return response


@router.post("/login")
def login(
    request: Request,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    csrf_token: Annotated[str, Form(max_length=100)] = "",
    code: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        raise ApiError(403, "csrf_failed", "the form was stale or forged: reload and try again")
    state, now = request.app.state, request.app.state.clock.now()
    settings = state.settings
    limits = throttle.Limits(settings.login_rate_limit, settings.login_client_rate_limit)
    client = request.client.host if request.client else "unknown"
    keys = throttle.keys_for(state.store.keyring, email, client)
    with state.store.transaction() as session:
        # Checked before the password, so a throttled guess learns nothing, right or wrong.
        if (wait := throttle.retry_after(session, limits, keys, now)) is not None:
            return _throttled(request, wait)
        user = service.authenticate(session, email, password)
        if user is not None and not service.second_factor_passes(session, user, code, now):
            user = None
        if user is None:
            throttle.record_failure(session, limits, keys, now)
            _failed_login(session, email, now)
            return login_form(request, failed=True)
        throttle.forget_account(session, keys)
        service.sweep_sessions(session, now)
        login = service.start_session(session, user, now)
        auditlog.record(session, user.id, "login", now, target=("staff_user", user.id))
    response = RedirectResponse("/admin", 303)
    # Path=/admin: the browser sends the session to the staff pages only, never to the
    # public pages and API, which have no use for it.
    response.set_cookie(
        SESSION_COOKIE, login.token, max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True, samesite="strict", secure=settings.secure_cookies, path="/admin",
    )  # fmt: skip
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/admin/login")
    return response


def _throttled(request: Request, wait_seconds: int) -> HTMLResponse:
    """The same answer for every address, an account's or not: no account is revealed."""
    response = _login_page(request, 429, throttled_minutes=math.ceil(wait_seconds / 60))
    response.headers["retry-after"] = str(wait_seconds)
    return response


def _failed_login(session: Session, email: str, now: datetime) -> None:
    """Never the address tried: only which staff account, when it is one."""
    known = service.find_user(session, email)
    target = ("staff_user", known.id) if known else None
    auditlog.record(session, auditlog.ANONYMOUS, "login_failed", now, target=target)


@router.post("/logout")
def logout(
    request: Request,
    staff: Annotated[Staff, Depends(require("viewer"))],
    csrf_token: Annotated[str, Form()],
) -> Response:
    check_csrf(staff, csrf_token)
    with request.app.state.store.transaction() as session:
        service.end_session(session, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/admin/login", 303)
    response.delete_cookie(SESSION_COOKIE, path="/admin", httponly=True, samesite="strict",
                           secure=request.app.state.settings.secure_cookies)  # fmt: skip
    return response


@router.get("")
def dashboard(
    request: Request, staff: Annotated[Staff, Depends(require("viewer"))]
) -> HTMLResponse:
    summary = summarise(request.app.state.policy)
    return _page(request, "admin/dashboard.html", staff=staff, summary=summary)


@router.get("/ropa")
def record_of_processing_page(
    request: Request, staff: Annotated[Staff, Depends(require("viewer"))]
) -> HTMLResponse:
    """The record of processing activities (GDPR art. 30), as `privet ropa` prints it."""
    policy = request.app.state.policy
    record = record_of_processing(policy, policy.policy.languages[0])
    return _page(request, "admin/ropa.html", staff=staff, record=record)
