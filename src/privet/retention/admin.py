"""`/admin/retention`, `/admin/holds`, `/admin/audit`: what the store keeps and for how long,
the legal holds that keep it longer, and the audit of every promise of the policy.

Every member of staff reads these pages; only officers place and lift holds, and only they
see a hold's note, which may name a case or a person.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from privet import __version__
from privet.admin.roles import may
from privet.retention import report
from privet.retention.audit import run_audit
from privet.retention.holds import (
    HoldError,
    Target,
    covered,
    lift_hold,
    list_holds,
    place_hold,
)
from privet.retention.models import LegalHold
from privet.web.auth import Staff, check_csrf, require
from privet.web.errors import ApiError
from privet.web.templating import templates

router = APIRouter(prefix="/admin", include_in_schema=False)

Viewer = Annotated[Staff, Depends(require("viewer"))]
Officer = Annotated[Staff, Depends(require("officer"))]
# Every field defaults to "", so a missing value is explained beside its field, not a bare 422.
Text = Annotated[str, Form(max_length=2000)]

CHART_HEIGHT, BAR_WIDTH, BAR_GAP = 40, 12, 2
AGE_LABELS = [f"{step * 10}-{step * 10 + 10}%" for step in range(report.BUCKETS)]
AGE_LABELS.append("over 100%: overdue")


@dataclass(frozen=True)
class Bar:
    x: int
    height: int
    count: int
    label: str
    overdue: bool


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int = (report.BUCKETS + 1) * (BAR_WIDTH + BAR_GAP)
    height: int = CHART_HEIGHT
    bar_width: int = BAR_WIDTH


@router.get("/retention")
def retention_page(request: Request, staff: Viewer) -> HTMLResponse:
    state, now = request.app.state, request.app.state.clock.now()
    with state.store.transaction() as session:
        rows = report.retention_report(session, state.policy, now)
        run = report.last_sweep(session)
        done = report.outcomes(run) if run else []
    charts = [chart(row.ages) for row in rows]
    context = {"rows": list(zip(rows, charts, strict=True)), "run": run, "done": done, "now": now}
    return _page(request, "retention/report.html", staff, **context)


def chart(ages: tuple[int, ...]) -> Chart:
    """One bar per age bucket, scaled to the fullest; a non-empty bucket shows at least 1px."""
    tallest, last = max(ages) or 1, len(ages) - 1
    return Chart(
        [
            Bar(
                x=index * (BAR_WIDTH + BAR_GAP),
                height=math.ceil(count * CHART_HEIGHT / tallest),
                count=count,
                label=AGE_LABELS[index],
                overdue=index == last,
            )
            for index, count in enumerate(ages)
        ]
    )


@router.get("/audit")
def audit_page(request: Request, staff: Viewer) -> HTMLResponse:
    state, now = request.app.state, request.app.state.clock.now()
    with state.store.transaction() as session:
        findings = run_audit(session, state.policy, now, state.settings)
    return _page(request, "retention/audit.html", staff, findings=findings, now=now)


@router.get("/holds")
def holds_page(request: Request, staff: Viewer) -> HTMLResponse:
    return _holds(request, staff)


@router.post("/holds")
def place(
    request: Request, staff: Officer, *, csrf_token: Text = "", email: Text = "",
    request_id: Text = "", category: Text = "", reason: Text = "", ends_on: Text = "",
    note: Text = "",
) -> Response:  # fmt: skip
    check_csrf(staff, csrf_token)
    state = request.app.state
    entered = {"email": email, "request_id": request_id, "category": category,
               "reason": reason, "ends_on": ends_on, "note": note}  # fmt: skip
    try:
        target = _target(email, request_id, category)
        with state.store.transaction() as session:
            place_hold(session, state.policy, target, reason=reason.strip(),
                       now=state.clock.now(), staff_id=staff.user_id, ends_at=_end(ends_on),
                       note=note.strip() or None)  # fmt: skip
    except HoldError as error:
        return _holds(request, staff, 422, error=error, entered=entered)
    return RedirectResponse("/admin/holds", 303)


@router.post("/holds/{hold_id}/lift")
def lift(request: Request, staff: Officer, hold_id: uuid.UUID, csrf_token: Text = "") -> Response:
    check_csrf(staff, csrf_token)
    state = request.app.state
    try:
        with state.store.transaction() as session:
            lift_hold(session, hold_id, now=state.clock.now(), staff_id=staff.user_id)
    except HoldError as error:
        raise ApiError(404, "not_found", str(error)) from error
    return RedirectResponse("/admin/holds", 303)


def _target(email: str, request_id: str, category: str) -> Target:
    """Blank fields are not given: place_hold then checks that exactly one is."""
    try:
        request = uuid.UUID(request_id.strip()) if request_id.strip() else None
    except ValueError:
        raise HoldError("request", "a request id looks like 1b4e28ba-2fa1-11d2-883f-…") from None
    return Target(email.strip() or None, request, category.strip() or None)


def _end(ends_on: str) -> datetime | None:
    """A hold ends at the start of the day given (UTC), as `privet holds place --until`."""
    if not ends_on.strip():
        return None
    try:
        return datetime.combine(date.fromisoformat(ends_on.strip()), time(), UTC)
    except ValueError:
        raise HoldError("ends_at", "write the end as a date, e.g. 2027-01-31") from None


def _holds(request: Request, staff: Staff, status: int = 200, **context: Any) -> HTMLResponse:
    state, now = request.app.state, request.app.state.clock.now()
    officer = may(staff.role, "officer")
    with state.store.transaction() as session:
        every = [_hold_row(hold, officer, now) for hold in list_holds(session, include_lifted=True)]
    context = {
        "active": [row for row in every if row["lifted_at"] is None],
        "lifted": [row for row in every if row["lifted_at"] is not None],
        "holds": state.policy.legal_holds, "categories": list(state.policy.data_categories),
        "error": None, "entered": {}, **context,
    }  # fmt: skip
    return _page(request, "retention/holds.html", staff, status, **context)


def _hold_row(hold: LegalHold, officer: bool, now: datetime) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": hold.id, "covers": covered(hold), "reason": hold.reason,
        "placed_at": hold.placed_at, "ends_at": hold.ends_at, "lifted_at": hold.lifted_at,
        "ended": hold.ends_at is not None and hold.ends_at <= now,
    }  # fmt: skip
    if officer:  # left out of the page, not only hidden, below officer
        row["note"] = hold.note
    return row


def _page(
    request: Request, name: str, staff: Staff, status: int = 200, **context: object
) -> HTMLResponse:
    context |= {"staff": staff, "version": __version__, "officer": may(staff.role, "officer")}
    return templates.TemplateResponse(request, name, context, status)
