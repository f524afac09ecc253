"""`/admin/submissions`: what people sent, for staff. Only officers and admins see the
contents; viewers see what was sent when, under which purpose, and nothing personal.

Searching by email is a POST: an address must never sit in a URL, a log or a history.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from privet import __version__
from privet.admin.roles import may
from privet.auditlog import service as auditlog
from privet.intake import review
from privet.web.auth import Staff, check_csrf, require
from privet.web.errors import ApiError
from privet.web.templating import templates

router = APIRouter(prefix="/admin/submissions", include_in_schema=False)

Viewer = Annotated[Staff, Depends(require("viewer"))]
Officer = Annotated[Staff, Depends(require("officer"))]


@router.get("")
def submissions(request: Request, staff: Viewer) -> HTMLResponse:
    with request.app.state.store.transaction() as session:
        listed = review.recent(session, contents=_may_read(staff))
        _viewed(request, session, staff, len(listed))
    return _page(request, "intake/admin_list.html", staff, listed=listed, searched=None)


@router.post("/search")
def search(
    request: Request,
    staff: Viewer,
    email: Annotated[str, Form(max_length=320)],
    csrf_token: Annotated[str, Form()],
) -> HTMLResponse:
    check_csrf(staff, csrf_token)
    with request.app.state.store.transaction() as session:
        listed = review.recent(session, email=email, contents=_may_read(staff))
        _viewed(request, session, staff, len(listed))
    return _page(request, "intake/admin_list.html", staff, listed=listed, searched=email)


@router.get("/{submission_id}")
def submission(request: Request, staff: Viewer, submission_id: uuid.UUID) -> HTMLResponse:
    with request.app.state.store.transaction() as session:
        item = review.one(session, submission_id, contents=_may_read(staff))
        _viewed(request, session, staff, 1 if item else 0, ("submission", submission_id))
    if item is None:
        raise ApiError(404, "not_found", "no such submission")
    can_flag = may(staff.role, "officer") and request.app.state.policy.abuse is not None
    return _page(request, "intake/admin_detail.html", staff, item=item, can_flag=can_flag)


@router.post("/{submission_id}/flag")
def flag(
    request: Request,
    staff: Officer,
    submission_id: uuid.UUID,
    note: Annotated[str, Form(min_length=1, max_length=2000)],
    csrf_token: Annotated[str, Form()],
) -> Response:
    check_csrf(staff, csrf_token)
    state = request.app.state
    with state.store.transaction() as session:
        try:
            review.flag(session, state.policy, submission_id, staff_id=staff.user_id,
                        note=note.strip(), now=state.clock.now())  # fmt: skip
        except review.NotFound:
            raise ApiError(404, "not_found", "no such submission") from None
        except (review.NoAbusePurpose, review.AlreadyFlagged) as error:
            raise ApiError(409, "cannot_flag", str(error)) from None
    return RedirectResponse(f"/admin/submissions/{submission_id}", 303)


def _viewed(
    request: Request, session: Session, staff: Staff, count: int,
    target: auditlog.Target | None = None,
) -> None:  # fmt: skip
    """Contents decrypted for an officer go in the audit log: how many, never what."""
    if count and _may_read(staff):
        auditlog.record(session, staff.user_id, "view", request.app.state.clock.now(),
                        target=target, details={"submissions": count})  # fmt: skip


def _may_read(staff: Staff) -> bool:
    return may(staff.role, "officer")


def _page(request: Request, name: str, staff: Staff, **context: object) -> HTMLResponse:
    context |= {"staff": staff, "version": __version__, "may_read": _may_read(staff)}
    return templates.TemplateResponse(request, name, context)
