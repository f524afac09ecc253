"""The requester's API: send a request, prove the address, follow progress."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, EmailStr, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from privet.consent.service import visitor_in_cookies
from privet.policy.texts import choose_language
from privet.rights import service
from privet.rights.carry_out import Context, prove_address
from privet.rights.mail import queue_code, status_link
from privet.rights.models import DataRequest
from privet.web.errors import ApiError, error_responses

router = APIRouter(tags=["requests"])

Kind = Literal[
    "access", "rectification", "erasure", "portability", "objection", "restriction",
    "child_erasure",
]  # fmt: skip


class RequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Kind
    email: EmailStr
    language: str | None = Field(None, max_length=16)
    details: str = Field(
        "", max_length=service.DETAILS_LENGTH,
        description="What the requester wants to say; for a rectification, what is wrong.",
    )  # fmt: skip
    recipient_url: str = Field(
        "", max_length=service.URL_LENGTH,
        description="Portability only, where the policy offers it: an https:// address the "
        "export is sent to once carried out.",
    )  # fmt: skip


class Accepted(BaseModel):
    id: uuid.UUID
    status: str
    token: str = Field(description="Needed to follow the request; shown only now.")
    status_url: str


class CodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(max_length=100)
    code: str = Field(max_length=12)


class Step(BaseModel):
    at: datetime
    step: str


class Progress(BaseModel):
    id: uuid.UUID
    kind: str
    status: str
    received_at: datetime
    verified_at: datetime | None
    due_at: datetime | None
    extension_reason: str | None
    closed_at: datetime | None
    answer: list[str] = Field(description="What was done, and what was kept and why.")
    history: list[Step]


@router.post("/requests", status_code=202, responses=error_responses(400, 413, 422, 429, 503))
async def send_request(body: RequestIn, request: Request) -> Accepted:
    """Receive a request and mail a code to the address; the same answer for any address."""
    return await run_in_threadpool(_receive, request, body)


def _receive(request: Request, body: RequestIn) -> Accepted:
    state = request.app.state
    now = state.clock.now()
    limit = state.rate_limit
    address = request.client.host if request.client else "unknown"
    if limit is not None and not limit.allow(address, now):
        raise ApiError(429, "too_many_requests", "too many requests: try again later")
    language = choose_language(state.policy, (body.language or "")[:2].lower())
    with state.store.transaction() as session:
        try:
            asked = service.Asked(body.kind, str(body.email), body.details, body.recipient_url)
            received = service.receive_request(
                session, state.policy, asked, language=language, now=now, channel="api"
            )
        except service.RequestInvalid as error:
            raise ApiError(422, "invalid_request", str(error), error.problems) from None
        base_url = state.settings.base_url
        queue_code(session, policy=state.policy, base_url=base_url, received=received, now=now)
    link = status_link(state.settings.base_url, received.request, received.token)
    return Accepted(id=received.request.id, status="unverified", token=received.token,
                    status_url=link)  # fmt: skip


@router.post(
    "/requests/{request_id}/verify",
    responses=error_responses(400, 404, 413, 422, 429, 503),
)
def verify(request_id: uuid.UUID, body: CodeIn, request: Request) -> Progress:
    """Prove the address with the mailed code; the deadline starts now."""
    state, now = request.app.state, request.app.state.clock.now()
    visitor = visitor_in_cookies(state.policy, request.cookies)
    proof = prove_address(
        state.store, Context.of(state.policy, state.settings, now), request_id,
        token=body.token, code=body.code, visitor_id=visitor,
    )  # fmt: skip
    if proof == "unknown":
        raise ApiError(404, "unknown_request", "no request has this id and token")
    if proof == "refused":
        raise ApiError(
            400, "verification_failed", service.CODE_REFUSED, {"code": service.CODE_REFUSED}
        )
    with state.store.transaction() as session:
        return _progress(session, _found(session, request_id, body.token))


@router.get("/requests/{request_id}", responses=error_responses(404, 422, 429, 503))
def progress(request_id: uuid.UUID, token: str, request: Request) -> Progress:
    """How far the request has got, for whoever holds its token."""
    with request.app.state.store.transaction() as session:
        return _progress(session, _found(session, request_id, token))


def _found(session: Session, request_id: uuid.UUID, token: str) -> DataRequest:
    found = service.find_request(session, request_id, token)
    if found is None:
        raise ApiError(404, "unknown_request", "no request has this id and token")
    return found


def _progress(session: Session, found: DataRequest) -> Progress:
    steps = [event for event, _ in service.history(session, found.id)]
    return Progress(
        id=found.id, kind=found.kind, status=found.status, received_at=found.received_at,
        verified_at=found.verified_at, due_at=found.due_at,
        extension_reason=found.extension_reason, closed_at=found.closed_at,
        answer=service.answer_lines(found),
        history=[Step(at=step.at, step=step.step) for step in steps],
    )  # fmt: skip
