"""The request portal: ask, prove the address, follow progress. Plain HTML forms."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from privet.policy.texts import choose_language
from privet.rights import service
from privet.rights.mail import queue_code, status_link
from privet.rights.wording import words
from privet.web.templating import templates

router = APIRouter(include_in_schema=False)

# The same page for a wrong id and a wrong token: neither tells anything.
NOT_FOUND = {"status": 404, "title": "Not Found",
             "message": "No request has this address: check the link in your mail."}  # fmt: skip


@router.get("/privacy/requests", response_class=HTMLResponse)
def portal(request: Request, lang: str | None = None) -> HTMLResponse:
    return _portal(request, lang, problems={})


def _portal(request: Request, lang: str | None, problems: dict[str, str]) -> HTMLResponse:
    policy = request.app.state.policy
    language = choose_language(policy, lang)
    said = words(language)
    context = {
        "lang": language,
        "words": said,
        "intro": said["intro"].format(
            controller=policy.controller.name, deadline=str(policy.rights.deadline)
        ),
        "kinds": service.kinds_offered(policy),
        "problems": problems,
    }
    return templates.TemplateResponse(
        request, "rights/portal.html", context, 422 if problems else 200
    )


@router.post("/privacy/requests")
def send(
    request: Request, kind: str = Form(""), email: str = Form(""), lang: str = Form("")
) -> Response:
    state = request.app.state
    language = choose_language(state.policy, lang)
    now = state.clock.now()
    with state.store.transaction() as session:
        try:
            received = service.receive_request(
                session, state.policy, kind, email, language=language, now=now
            )
        except service.RequestInvalid as error:
            return _portal(request, language, error.problems)
        base_url = state.settings.base_url
        queue_code(session, policy=state.policy, base_url=base_url, received=received, now=now)
    return RedirectResponse(status_link("", received.request, received.token), 303)


@router.get("/privacy/requests/{request_id}", response_class=HTMLResponse)
def status(request: Request, request_id: uuid.UUID, token: str = "") -> HTMLResponse:
    return _status(request, request_id, token, wrong_code=False)


@router.post("/privacy/requests/{request_id}/verify")
def verify(
    request: Request, request_id: uuid.UUID, token: str = Form(""), code: str = Form("")
) -> Response:
    state = request.app.state
    with state.store.transaction() as session:
        found = service.find_request(session, request_id, token)
        if found is None:
            return _status(request, request_id, token, wrong_code=False)
        try:
            service.verify_request(session, state.policy, found, code, state.clock.now())
        except service.VerificationFailed:
            failed = True
        else:
            failed = False
    if failed:  # answered after the commit, so the failed attempt counts
        return _status(request, request_id, token, wrong_code=True)
    return RedirectResponse(f"/privacy/requests/{request_id}?token={token}", 303)


def _status(request: Request, request_id: uuid.UUID, token: str, wrong_code: bool) -> HTMLResponse:
    state = request.app.state
    context: dict[str, Any] = {"token": token, "wrong_code": wrong_code}
    with state.store.transaction() as session:
        found = service.find_request(session, request_id, token)
        if found is None:
            return templates.TemplateResponse(request, "error.html", NOT_FOUND, 404)
        context |= {"data_request": found, "lang": found.language, "words": words(found.language)}
    return templates.TemplateResponse(
        request, "rights/status.html", context, 400 if wrong_code else 200
    )
