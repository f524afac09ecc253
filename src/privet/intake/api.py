"""`POST /api/v1/forms/{form}/submissions`: JSON for scripts, urlencoded for plain HTML forms."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from privet.intake import service, spam
from privet.intake.choices import LANGUAGE_FIELD
from privet.intake.notices import notices_for
from privet.intake.wording import words
from privet.policy.texts import choose_language
from privet.web.errors import ApiError, error_responses
from privet.web.templating import templates

router = APIRouter(tags=["forms"])

SUBMISSION_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "object", "additionalProperties": True}},
            "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
        },
    }
}

HTML = {"text/html": {"schema": {"type": "string"}}}


class SubmissionOut(BaseModel):
    id: uuid.UUID
    form: str
    submitted_at: datetime
    confirmation_sent: bool = Field(description="A confirmation was mailed to the sender.")


# A plain HTML form (urlencoded) is answered with a page, or sent back to its `_return`.
SUBMISSION_ANSWERS = error_responses(400, 404, 413, 415, 422, 429, 503) | {
    201: {"model": SubmissionOut, "description": "Stored (a browser gets a page)", "content": HTML},
    303: {"description": "Stored; a browser is sent back to the form's `_return` page."},
}
SUBMISSION_ANSWERS[422]["content"] = HTML


@router.post(
    "/forms/{form}/submissions",
    status_code=201,
    openapi_extra=SUBMISSION_BODY,
    responses=SUBMISSION_ANSWERS,
)
async def submit_form(form: str, request: Request) -> Response:
    """Submit a form declared in the policy; a 422 names each field at fault."""
    from_browser, values = await _read_body(request)
    state = request.app.state
    try:
        service.declared_form(state.policy, form)
    except service.UnknownForm:
        raise ApiError(404, "unknown_form", f"no form named '{form}' in the policy") from None
    return_to = _safe_return(request, str(values.pop(spam.RETURN, "") or ""))
    problem = _spam_problem(request, form, values, from_browser)
    if problem == "honeypot":  # answer a bot exactly as if it worked, store nothing
        decoy = service.Received(str(uuid.uuid4()), form, state.clock.now())
        return _accepted(request, from_browser, return_to, form, decoy)
    try:
        if problem:
            raise service.SubmissionInvalid({spam.STARTED: problem})
        received = await run_in_threadpool(_store, request, form, values)
    except service.SubmissionInvalid as error:
        if from_browser:
            language = choose_language(state.policy, _text(values.get(LANGUAGE_FIELD)))
            context = {"problems": error.problems, "return_to": return_to,
                       "lang": language, "words": words(language)}  # fmt: skip
            return templates.TemplateResponse(request, "intake/invalid.html", context, 422)
        raise ApiError(422, "invalid_submission", str(error), error.problems) from None
    return _accepted(request, from_browser, return_to, form, received)


async def _read_body(request: Request) -> tuple[bool, dict[str, Any]]:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "bad_json", "the body is not valid JSON") from None
        if not isinstance(body, dict):
            raise ApiError(422, "invalid_submission", "the body must be a JSON object")
        return False, body
    if kind == "application/x-www-form-urlencoded":
        form = await request.form()
        return True, {key: form.get(key) for key in form}
    raise ApiError(415, "unsupported_media_type", "send JSON or a urlencoded HTML form")


def _spam_problem(
    request: Request, form: str, values: dict[str, Any], from_browser: bool
) -> str | None:
    state = request.app.state
    now = state.clock.now()
    if values.pop(spam.HONEYPOT, ""):
        return "honeypot"
    token = str(values.pop(spam.STARTED, "") or "")
    address = request.client.host if request.client else "unknown"
    limit = state.rate_limit  # None when PRIVET_FORM_RATE_LIMIT is off
    if limit is not None and not limit.allow(address, now):
        raise ApiError(429, "too_many_submissions", "too many submissions: try again later")
    if token or from_browser:  # a plain HTML form always carries its token
        return spam.token_problem(state.store.keyring, form, token, now)
    return None


def _store(request: Request, form: str, values: dict[str, Any]) -> service.Received:
    state = request.app.state
    with state.store.transaction() as session:
        notices = notices_for(state.settings, state.policy)
        return service.submit(
            session, state.policy, form, values, state.clock.now(), notices=notices
        )


def _safe_return(request: Request, target: str) -> str | None:
    """Only send visitors back to the operator's own site or privet: no open redirect."""
    allowed = {urlsplit(request.app.state.settings.base_url).netloc}
    website = request.app.state.policy.website
    if website:
        allowed.add(urlsplit(website.url).netloc)
    parts = urlsplit(target)
    return target if parts.scheme in ("http", "https") and parts.netloc in allowed else None


def _accepted(
    request: Request,
    from_browser: bool,
    return_to: str | None,
    form: str,
    received: service.Received,
) -> Response:
    if from_browser and return_to:
        separator = "&" if "?" in return_to else "?"
        return RedirectResponse(f"{return_to}{separator}{urlencode({'privet': 'sent'})}", 303)
    if from_browser:
        context = {"lang": received.language, "words": words(received.language),
                   "confirmation_sent": received.confirmation_sent}  # fmt: skip
        return templates.TemplateResponse(request, "intake/thanks.html", context, 201)
    body = {
        "id": received.id,
        "form": form,
        "submitted_at": received.submitted_at.isoformat(),
        "confirmation_sent": received.confirmation_sent,
    }
    return JSONResponse(body, 201)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
