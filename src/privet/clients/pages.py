"""`/admin/clients`: staff mark people as clients with a contract, and end contracts."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from privet import __version__
from privet.admin.roles import may
from privet.auditlog import service as auditlog
from privet.clients import service
from privet.policy.schema import Policy
from privet.web.auth import Staff, check_csrf, require
from privet.web.errors import ApiError
from privet.web.templating import templates

router = APIRouter(prefix="/admin/clients", include_in_schema=False)

Viewer = Annotated[Staff, Depends(require("viewer"))]
Officer = Annotated[Staff, Depends(require("officer"))]
# Every field defaults to "", so a missing CSRF token is a 403 and a missing value is
# explained on the page, rather than a bare 422.
Text = Annotated[str, Form(max_length=1000)]


@router.get("")
def clients_page(request: Request, staff: Viewer) -> HTMLResponse:
    return _page(request, staff)


@router.post("")
def add_contract(
    request: Request,
    staff: Officer,
    *,
    csrf_token: Text = "",
    email: Text = "",
    reference: Text = "",
    starts_on: Text = "",
    ends_on: Text = "",
    category: Text = "",
) -> Response:
    check_csrf(staff, csrf_token)
    state = request.app.state
    entered = {"email": email, "reference": reference, "starts_on": starts_on,
               "ends_on": ends_on, "category": category}  # fmt: skip
    try:
        starts = service.parse_day(starts_on, "start")
        ends = service.parse_day(ends_on, "end") if ends_on.strip() else None
        new = service.NewContract(email, reference, starts, ends, category or None)
        with state.store.transaction() as session:
            service.record_contract(session, state.policy, new, state.clock.now(), staff.user_id)
    except service.ContractError as error:
        return _page(request, staff, 422, error=str(error), entered=entered)
    return RedirectResponse("/admin/clients", 303)


@router.post("/{contract_id}/end")
def end_contract(
    request: Request,
    contract_id: uuid.UUID,
    staff: Officer,
    csrf_token: Text = "",
    ends_on: Text = "",
) -> Response:
    check_csrf(staff, csrf_token)
    try:
        day = service.parse_day(ends_on, "end")
        with request.app.state.store.transaction() as session:
            contract = service.contract_by_id(session, contract_id)
            if contract is None:
                raise ApiError(404, "not_found", "no such contract")
            service.end_contract(contract, day)
    except service.ContractError as error:
        return _page(request, staff, 422, error=str(error))
    return RedirectResponse("/admin/clients", 303)


def _page(request: Request, staff: Staff, status: int = 200, **context: Any) -> HTMLResponse:
    state = request.app.state
    # Viewers see that contracts exist and when their data goes; who and which contract
    # is for officers and admins, who work with them.
    officer = may(staff.role, "officer")
    with state.store.transaction() as session:
        rows = [_row(state.policy, item, officer) for item in service.list_contracts(session)]
        if officer and rows:  # clients' addresses and references shown: on the record
            auditlog.record(session, staff.user_id, "view", state.clock.now(),
                            details={"contracts": len(rows)})  # fmt: skip
    terms, problem = _terms(state.policy)
    context = {
        "version": __version__, "staff": staff, "officer": officer, "rows": rows,
        "running": sum(1 for row in rows if row["ends_on"] is None), "terms": terms,
        "problem": problem, "today": state.clock.now().date().isoformat(),
        "entered": {}, **context,
    }  # fmt: skip
    return templates.TemplateResponse(request, "clients/clients.html", context, status)


def _terms(policy: Policy) -> tuple[list[service.ContractTerms], str | None]:
    try:
        categories = service.contract_categories(policy)
        found = [service.contract_terms(policy, category) for category in categories]
    except service.NoContractData as error:
        return [], str(error)
    return found, None if found else service.NO_CONTRACT_DATA


def _row(policy: Policy, item: service.ClientContract, officer: bool) -> dict[str, Any]:
    contract = item.contract
    row: dict[str, Any] = {
        "id": contract.id, "category": contract.category, "purpose": contract.purpose,
        "legal_basis": contract.legal_basis, "starts_on": contract.starts_on,
        "ends_on": contract.ends_on, "keep_until": service.keep_label(policy, contract),
        "restricted": item.restricted_at is not None,
    }  # fmt: skip
    if officer:  # left out of the page, not only hidden, for anyone below officer
        row |= {"email": item.email, "reference": contract.reference}
    return row
