"""The consent API: file a decision, read a receipt, ask whether a visitor consents."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from privet.consent import service
from privet.consent.record import kantara_view
from privet.geo import country_of
from privet.policy.schema import Policy
from privet.policy.texts import choose_language
from privet.web.errors import ApiError, error_responses

router = APIRouter(tags=["consent"])

CategoryList = list[str]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    visitor_id: uuid.UUID | None = Field(
        None, description="The visitor's id from the consent cookie; omitted: a new visitor."
    )
    policy_version: str = Field(max_length=64, description="The version the banner showed.")
    method: Literal["banner", "preferences", "api", "gpc"] = "api"
    granted: CategoryList = Field([], max_length=64)
    denied: CategoryList = Field([], max_length=64)
    gpc: bool = Field(False, description="The browser sent a Global Privacy Control signal.")
    language: str | None = Field(None, max_length=16)


class ReceiptOut(BaseModel):
    receipt_id: uuid.UUID
    visitor_id: uuid.UUID
    recorded_at: datetime
    policy_version: str
    method: str
    granted: CategoryList
    denied: CategoryList
    gpc: bool


class ConsentQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    visitor_id: uuid.UUID
    category: str = Field(max_length=100)


class ConsentAnswer(BaseModel):
    category: str
    granted: bool
    receipt_id: uuid.UUID | None


@router.post(
    "/consents", status_code=201, responses=error_responses(400, 404, 409, 413, 422, 429, 503)
)
async def record_consent(body: DecisionIn, request: Request) -> ReceiptOut:
    """File a visitor's decision as a receipt; answered once the receipt is committed."""
    state = request.app.state
    decision = service.Decision(
        visitor_id=body.visitor_id or uuid.uuid4(),
        policy_version=body.policy_version,
        method=body.method,
        granted=body.granted,
        denied=body.denied,
        # Sec-GPC: 1 is the header form of the same signal (Global Privacy Control spec).
        gpc=body.gpc or request.headers.get("sec-gpc", "").strip() == "1",
        language=choose_language(state.policy, (body.language or "")[:2].lower()),
    )
    _check(state.policy, decision)
    now = state.clock.now()
    receipt = service.new_receipt(
        state.policy,
        state.store.keyring,
        decision,
        now,
        country=country_of(request.client.host if request.client else None),
        privacy_url=state.settings.base_url.rstrip("/") + "/privacy",
    )
    await state.consent_writes.write(receipt)
    return ReceiptOut(
        receipt_id=receipt.id,
        visitor_id=decision.visitor_id,
        recorded_at=now,
        policy_version=receipt.policy_version,
        method=receipt.method,
        granted=receipt.granted,
        denied=receipt.denied,
        gpc=receipt.gpc,
    )


def _check(policy: Policy, decision: service.Decision) -> None:
    try:
        service.check_decision(policy, decision)
    except service.NoConsentSection as error:
        raise ApiError(404, "no_consent_asked", str(error)) from None
    except service.DecisionInvalid as error:
        if error.stale:
            raise ApiError(409, "policy_changed", str(error), error.problems) from None
        raise ApiError(422, "invalid_decision", str(error), error.problems) from None


@router.get("/consents/{receipt_id}", responses=error_responses(404, 422, 429, 503))
def read_receipt(
    receipt_id: uuid.UUID, request: Request, view: Literal["iso27560", "kantara"] = "iso27560"
) -> dict[str, Any]:
    """A receipt as stored (ISO/IEC TS 27560), or as a Kantara Consent Receipt v1.1."""
    with request.app.state.store.transaction() as session:
        receipt = service.find_receipt(session, receipt_id)
        if receipt is None:
            raise ApiError(404, "unknown_receipt", "no consent receipt has this id")
        record = service.stored_record(receipt)
    return kantara_view(record) if view == "kantara" else record


@router.post("/consents/check", responses=error_responses(400, 413, 422, 429, 503))
async def check_consent(body: ConsentQuestion, request: Request) -> ConsentAnswer:
    """Does this visitor consent to this cookie category now? (Required ones always do.)"""
    return await run_in_threadpool(_answer, request, body)


def _answer(request: Request, body: ConsentQuestion) -> ConsentAnswer:
    state = request.app.state
    now = state.clock.now()
    with state.store.transaction() as session:
        try:
            granted, choice = service.consent_for(
                session, state.policy, body.visitor_id, body.category, now
            )
        except service.UnknownCategory:
            fields = {"category": "not a cookie category of the policy"}
            raise ApiError(422, "invalid_request", "unknown category", fields) from None
    return ConsentAnswer(
        category=body.category, granted=granted, receipt_id=choice.id if choice else None
    )
