"""`/admin/requests`: the officers' queue of data-subject requests, and each one's page.

Viewers see the queue (kind, status, deadline) but no address and no action. Officers
see who asked and what they wrote, and act: carry out, extend, refuse, or approve the
corrected values of a rectification. Every action is a step in the request's history.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from privet import __version__
from privet.admin.roles import may
from privet.auditlog import service as auditlog
from privet.policy.schema import Policy
from privet.rights import actions, carry_out, service
from privet.rights.mail import queue_extension_notice
from privet.rights.models import DataRequest
from privet.subjects.service import find_subject
from privet.web.auth import Staff, check_csrf, require
from privet.web.errors import ApiError
from privet.web.templating import templates

router = APIRouter(prefix="/admin/requests", include_in_schema=False)

Viewer = Annotated[Staff, Depends(require("viewer"))]
Officer = Annotated[Staff, Depends(require("officer"))]
Text = Annotated[str, Form(max_length=2000)]


@router.get("")
def queue(request: Request, staff: Viewer) -> HTMLResponse:
    state, now = request.app.state, request.app.state.clock.now()
    with state.store.transaction() as session:
        rows = [_row(state.policy, item, now, staff) for item in service.request_queue(session)]
        closed = [_row(state.policy, item, now, staff) for item in service.recently_closed(session)]
        if may(staff.role, "officer") and (rows or closed):  # addresses shown: on the record
            auditlog.record(session, staff.user_id, "view", now,
                            details={"requests": len(rows) + len(closed)})  # fmt: skip
    context = {"rows": rows, "closed": closed, "overdue": sum(row["overdue"] for row in rows)}
    return _page(request, "rights/admin_queue.html", staff, **context)


@router.get("/{request_id}")
def detail(request: Request, staff: Viewer, request_id: uuid.UUID) -> HTMLResponse:
    return _detail(request, staff, request_id)


@router.post("/{request_id}/carry-out")
def carry(
    request: Request, staff: Officer, request_id: uuid.UUID, csrf_token: Text = ""
) -> Response:
    check_csrf(staff, csrf_token)
    try:
        carry_out.carry_out(request.app.state.store, _context(request), request_id, staff.user_id)
    except service.RequestInvalid as error:
        return _detail(request, staff, request_id, problem=str(error))
    return RedirectResponse(f"/admin/requests/{request_id}", 303)


@router.post("/{request_id}/extend")
def extend(
    request: Request, staff: Officer, request_id: uuid.UUID, csrf_token: Text = "",
    reason: Text = "",
) -> Response:  # fmt: skip
    check_csrf(staff, csrf_token)
    state, now = request.app.state, request.app.state.clock.now()
    try:
        with state.store.transaction() as session:
            found = _request(session, request_id)
            service.extend_request(session, state.policy, found, reason, now=now,
                                   staff_id=staff.user_id)  # fmt: skip
            queue_extension_notice(session, state.policy, found, now)
    except service.RequestInvalid as error:
        return _detail(request, staff, request_id, problem=str(error))
    return RedirectResponse(f"/admin/requests/{request_id}", 303)


@router.post("/{request_id}/refuse")
def refuse(
    request: Request, staff: Officer, request_id: uuid.UUID, csrf_token: Text = "",
    reason: Text = "",
) -> Response:  # fmt: skip
    check_csrf(staff, csrf_token)
    try:
        carry_out.refuse(request.app.state.store, _context(request), request_id, reason,
                         staff.user_id)  # fmt: skip
    except service.RequestInvalid as error:
        return _detail(request, staff, request_id, problem=str(error))
    return RedirectResponse(f"/admin/requests/{request_id}", 303)


@router.post("/{request_id}/rectify")
async def rectify(request: Request, staff: Officer, request_id: uuid.UUID) -> Response:
    form = await request.form()
    check_csrf(staff, str(form.get("csrf_token", "")))
    prefix = "value:"
    corrected = {
        str(name).removeprefix(prefix): str(value)
        for name, value in form.items()
        if str(name).startswith(prefix)
    }
    try:
        carry_out.rectify(request.app.state.store, _context(request), request_id, corrected,
                          staff.user_id)  # fmt: skip
    except (service.RequestInvalid, actions.RectificationRefused) as error:
        return _detail(request, staff, request_id, problem=str(error))
    return RedirectResponse(f"/admin/requests/{request_id}", 303)


def _detail(
    request: Request, staff: Staff, request_id: uuid.UUID, problem: str | None = None
) -> HTMLResponse:
    state, now = request.app.state, request.app.state.clock.now()
    officer = may(staff.role, "officer")
    with state.store.transaction() as session:
        found = _request(session, request_id)
        subject = find_subject(session, found.email) if officer and found.email else None
        context: dict[str, Any] = {
            "item": _row(state.policy, found, now, staff),
            "details": found.details if officer else None,
            "answer": service.answer_lines(found),
            "steps": service.history(session, found.id),
            "subject": subject,
            "values": actions.rectifiable(session, subject) if subject else {},
            "may_extend": state.policy.rights.extension is not None
            and found.extension_reason is None,
            "problem": problem,
        }
        if officer:  # who asked and what they wrote, decrypted: on the record
            auditlog.record(session, staff.user_id, "view", now, target=("request", found.id))
    status = 422 if problem else 200
    return _page(request, "rights/admin_request.html", staff, status, **context)


def _row(policy: Policy, item: DataRequest, now: datetime, staff: Staff) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": item.id, "kind": item.kind, "status": item.status, "channel": item.channel,
        "received_at": item.received_at, "verified_at": item.verified_at,
        "due_at": item.due_at, "closed_at": item.closed_at,
        "extension_reason": item.extension_reason, "overdue": service.is_overdue(item, now),
        "needs_officer": item.status == "open" and carry_out.needs_review(policy, item.kind),
    }  # fmt: skip
    if may(staff.role, "officer"):  # left out of the page, not only hidden, below officer
        row |= {"email": item.email or "(erased)", "recipient": item.recipient_url}
    return row


def _request(session: Session, request_id: uuid.UUID) -> DataRequest:
    found = session.get(DataRequest, request_id)
    if found is None or found.status == "unverified":
        # Until the address is proven a request is nobody's: staff have nothing to do yet.
        raise ApiError(404, "not_found", "no verified request has this id")
    return found


def _context(request: Request) -> carry_out.Context:
    state = request.app.state
    return carry_out.Context.of(state.policy, state.settings, state.clock.now())


def _page(
    request: Request, name: str, staff: Staff, status: int = 200, **context: object
) -> HTMLResponse:
    context |= {"staff": staff, "version": __version__, "officer": may(staff.role, "officer")}
    return templates.TemplateResponse(request, name, context, status)
