"""`/admin/audit-log`: the newest entries of the audit log, by action, and on request the
verification of the whole chain. For officers and admins, who answer for it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from privet import __version__
from privet.auditlog.service import ACTIONS, details_of, head, recent
from privet.auditlog.verify import verify
from privet.web.auth import Staff, require
from privet.web.errors import ApiError
from privet.web.templating import templates

router = APIRouter(prefix="/admin", include_in_schema=False)

Officer = Annotated[Staff, Depends(require("officer"))]
SHOWN = 200


@router.get("/audit-log")
def audit_log_page(
    request: Request,
    staff: Officer,
    action: Annotated[str, Query(max_length=32)] = "",
    check: Annotated[bool, Query()] = False,
) -> HTMLResponse:
    if action and action not in ACTIONS:
        raise ApiError(400, "invalid_query", f"action: one of {', '.join(sorted(ACTIONS))}")
    store = request.app.state.store
    with store.transaction() as session:
        entries = [(entry, details_of(entry)) for entry in
                   recent(session, action=action or None, limit=SHOWN)]  # fmt: skip
        last = head(session)
    # Walking millions of entries takes seconds: only when asked.
    verdict = verify(store) if check else None
    context = {
        "staff": staff, "version": __version__, "entries": entries, "head": last,
        "actions": sorted(ACTIONS), "action": action, "verdict": verdict, "shown": SHOWN,
    }  # fmt: skip
    return templates.TemplateResponse(request, "auditlog/audit_log.html", context)
