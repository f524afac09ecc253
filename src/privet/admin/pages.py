"""The staff's pages: sign in, sign out, and the dashboard later capabilities link from."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from privet import __version__
from privet.admin import service
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
    # Login CSRF: the form must echo a random value that only this browser holds in a cookie.
    csrf = secrets.token_urlsafe(32)
    response = _page(request, "admin/login.html", 401 if failed else 200, csrf=csrf, failed=failed)
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
    csrf_token: Annotated[str, Form()],
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        raise ApiError(403, "csrf_failed", "the form was stale or forged: reload and try again")
    store, now = request.app.state.store, request.app.state.clock.now()
    with store.transaction() as session:
        user = service.authenticate(session, email, password)
        if user is None:
            _failed_login(session, email, now)
            return login_form(request, failed=True)
        login = service.start_session(session, user, now)
        auditlog.record(session, user.id, "login", now, target=("staff_user", user.id))
    response = RedirectResponse("/admin", 303)
    response.set_cookie(
        SESSION_COOKIE, login.token, max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True, samesite="strict", secure=request.app.state.settings.secure_cookies,
    )  # fmt: skip
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/admin/login")
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
    response.delete_cookie(SESSION_COOKIE)
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
