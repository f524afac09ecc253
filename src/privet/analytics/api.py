"""`POST /api/v1/collect`: page views from `/privet.js`, and the time spent on them.

The body is JSON whatever its content type: `navigator.sendBeacon` sends text/plain. The
answer says whether the view was stored, and why not; a view without consent in consent
mode is refused with 403 and nothing is written.
"""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from privet.analytics import collect
from privet.analytics.models import Pageview
from privet.web.errors import ApiError, error_responses

router = APIRouter(tags=["analytics"])
MAX_BODY = 4096


# No browser sends a NUL in a URL, and PostgreSQL refuses one in text: a 422, not a 500.
WITHOUT_NUL = r"^[^\x00]*$"


class ViewIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    event: Literal["pageview"]
    path: str = Field(
        max_length=2000, pattern=WITHOUT_NUL, description="location.pathname; a query is dropped."
    )
    referrer: str | None = Field(
        None, max_length=2000, pattern=WITHOUT_NUL, description="document.referrer"
    )
    width: int | None = Field(None, ge=0, le=100_000, description="The viewport's width.")
    visitor_id: uuid.UUID | None = Field(None, description="The consent cookie's id.")


class LeaveIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    event: Literal["leave"]
    view: uuid.UUID
    duration_ms: int = Field(ge=0)


Hit = Annotated[ViewIn | LeaveIn, Field(discriminator="event")]
HITS: TypeAdapter[ViewIn | LeaveIn] = TypeAdapter(Hit)


# The route reads the body itself (see above); this tells /openapi.json what it reads.
HIT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"oneOf": [ViewIn.model_json_schema(), LeaveIn.model_json_schema()]}
            }
        },
    }
}


class Counted(BaseModel):
    stored: bool
    view: uuid.UUID | None = None
    reason: str | None = None


@router.post(
    "/collect",
    status_code=202,
    response_model_exclude_none=True,
    openapi_extra=HIT_BODY,
    responses=error_responses(403, 404, 413, 422, 429, 503),
)
async def collect_hit(request: Request) -> Counted:
    """Count a page view (`event: pageview`) or the time spent on it (`event: leave`)."""
    hit = _parse(await request.body())
    state = request.app.state
    if isinstance(hit, LeaveIn):
        stored = await run_in_threadpool(_duration, request, hit)
        return Counted(stored=stored)
    seen = _seen(request, hit)
    try:
        view = await run_in_threadpool(_view, request, seen)
    except collect.NotCounted as dropped:
        if dropped.status == 202:
            return Counted(stored=False, reason=str(dropped))
        code = "no_consent" if dropped.status == 403 else "analytics_off"
        raise ApiError(dropped.status, code, str(dropped)) from None
    await state.analytics_writes.write(view)
    return Counted(stored=True, view=view.id)


def _parse(body: bytes) -> ViewIn | LeaveIn:
    if len(body) > MAX_BODY:
        raise ApiError(413, "too_large", f"a hit is at most {MAX_BODY} bytes")
    try:
        data: Any = json.loads(body or b"null")
        return HITS.validate_python(data)
    except (ValueError, ValidationError) as error:
        raise ApiError(422, "invalid_hit", "not a page view", _fields(error)) from None


def _fields(error: Exception) -> dict[str, str]:
    if not isinstance(error, ValidationError):
        return {"body": "must be a JSON object"}
    return {
        ".".join(str(part) for part in problem["loc"][1:] or ("event",)): problem["msg"]
        for problem in error.errors()
    }


def _seen(request: Request, hit: ViewIn) -> collect.Seen:
    headers = request.headers
    purpose = headers.get("sec-purpose", "") + headers.get("purpose", "")
    return collect.Seen(
        path=hit.path,
        referrer=hit.referrer,
        width=hit.width,
        visitor_id=hit.visitor_id,
        ip=request.client.host if request.client else None,
        user_agent=headers.get("user-agent", "")[:500],
        site=urlsplit(headers.get("origin") or headers.get("referer") or "").hostname or "",
        do_not_track=headers.get("dnt") == "1" or headers.get("sec-gpc") == "1",
        prefetch="prefetch" in purpose or headers.get("x-moz") == "prefetch",
    )


def _view(request: Request, seen: collect.Seen) -> Pageview:
    state = request.app.state
    now, store = state.clock.now(), state.store
    view = collect.describe(state.policy, seen, now)
    if state.policy.analytics.mode == "cookieless":
        view.visitor = collect.visitor_hash(state.salts.today(store, now), seen)
        return view
    with store.transaction() as session:
        view.visitor, view.consent_id = collect.consenting(
            session, state.policy, store.keyring, seen, now
        )
    return view


def _duration(request: Request, hit: LeaveIn) -> bool:
    state = request.app.state
    with state.store.transaction() as session:
        return collect.record_duration(session, hit.view, hit.duration_ms, state.clock.now())
