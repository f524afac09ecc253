"""The visitor's side of consent: the script, the GPC statement, the preferences page."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from privet.consent import service
from privet.consent.script import rendered_script
from privet.consent.wording import preference_words
from privet.policy.texts import reader_language
from privet.web.templating import templates

router = APIRouter(include_in_schema=False)

# Browsers keep the script but ask each time whether it changed (a 304 when not): a new
# policy version reaches the very next page view, and the banner asks again at once.
SCRIPT_CACHE = "no-cache"


@router.get("/privet.js")
def script(request: Request) -> Response:
    state = request.app.state
    script = rendered_script(state.policy, state.clock.now())
    headers = {"cache-control": SCRIPT_CACHE, "etag": script.etag}
    if request.headers.get("if-none-match") == script.etag:
        return Response(status_code=304, headers=headers)
    return Response(script.body, media_type="text/javascript; charset=utf-8", headers=headers)


@router.get("/.well-known/gpc.json")
def gpc_statement(request: Request) -> JSONResponse:
    """The site honours Global Privacy Control (privet records it as an opt-out of every
    category the policy marks gpc_opt_out, and of the sale it never makes)."""
    policy = request.app.state.policy
    return JSONResponse({"gpc": True, "lastUpdate": policy.policy.effective.isoformat()})


@router.get("/privacy/preferences", response_class=HTMLResponse)
def preferences(request: Request, lang: str | None = None) -> HTMLResponse:
    state = request.app.state
    language = reader_language(state.policy, lang, request.headers.get("accept-language", ""))
    visitor = _visitor_of(request)
    receipts = []
    if visitor is not None:
        with state.store.transaction() as session:
            receipts = service.receipts_of(session, visitor)
    context = {
        "lang": language,
        "words": preference_words(language),
        "receipts": receipts,
        "asks_consent": bool(service.optional_categories(state.policy)),
    }
    return templates.TemplateResponse(request, "consent/preferences.html", context)


@router.get("/privacy/preferences/receipts.json")
def download_receipts(request: Request) -> JSONResponse:
    """Every receipt of this browser's visitor, as stored (ISO/IEC TS 27560 records)."""
    visitor = _visitor_of(request)
    records: list[dict[str, Any]] = []
    if visitor is not None:
        with request.app.state.store.transaction() as session:
            records = [service.stored_record(r) for r in service.receipts_of(session, visitor)]
    headers = {"content-disposition": 'attachment; filename="consent-receipts.json"'}
    return JSONResponse({"receipts": records}, headers=headers)


def _visitor_of(request: Request) -> uuid.UUID | None:
    return service.visitor_in_cookies(request.app.state.policy, request.cookies)
