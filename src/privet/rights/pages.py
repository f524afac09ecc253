"""The request portal: ask, prove the address, follow progress. Plain HTML forms."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from privet.consent.service import visitor_in_cookies
from privet.policy.texts import choose_language
from privet.rights import service
from privet.rights.carry_out import Context, prove_address
from privet.rights.download import open_archive
from privet.rights.mail import queue_code, status_link
from privet.rights.wording import words
from privet.web.templating import templates

router = APIRouter(include_in_schema=False)

# The same page for a wrong id and a wrong token: neither tells anything.
NOT_FOUND = {"status": 404, "title": "Not Found",
             "message": "No request has this address: check the link in your mail."}  # fmt: skip
EXPIRED = {"status": 404, "title": "Not Found",
           "message": "This link is wrong or has expired: ask for a new copy."}  # fmt: skip


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
        "direct_transfer": policy.rights.direct_transfer,
        "problems": problems,
    }
    return templates.TemplateResponse(
        request, "rights/portal.html", context, 422 if problems else 200
    )


@router.post("/privacy/requests")
def send(
    request: Request,
    *,
    kind: Annotated[str, Form(max_length=30)] = "",
    email: Annotated[str, Form(max_length=320)] = "",
    details: Annotated[str, Form(max_length=4000)] = "",
    recipient_url: Annotated[str, Form(max_length=1000)] = "",
    lang: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    state = request.app.state
    language = choose_language(state.policy, lang)
    now = state.clock.now()
    with state.store.transaction() as session:
        try:
            asked = service.Asked(kind, email, details, recipient_url)
            received = service.receive_request(
                session, state.policy, asked, language=language, now=now
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
    state, now = request.app.state, request.app.state.clock.now()
    proof = prove_address(
        state.store, Context.of(state.policy, state.settings, now), request_id,
        token=token, code=code, visitor_id=visitor_in_cookies(state.policy, request.cookies),
    )  # fmt: skip
    if proof != "verified":  # an unknown request shows the same page as a wrong token
        return _status(request, request_id, token, wrong_code=proof == "refused")
    return RedirectResponse(f"/privacy/requests/{request_id}?token={token}", 303)


def _status(request: Request, request_id: uuid.UUID, token: str, wrong_code: bool) -> HTMLResponse:
    state = request.app.state
    context: dict[str, Any] = {"token": token, "wrong_code": wrong_code}
    with state.store.transaction() as session:
        found = service.find_request(session, request_id, token)
        if found is None:
            return templates.TemplateResponse(request, "error.html", NOT_FOUND, 404)
        context |= {
            "data_request": found, "lang": found.language, "words": words(found.language),
            "answer": service.answer_lines(found),
        }  # fmt: skip
    return templates.TemplateResponse(
        request, "rights/status.html", context, 400 if wrong_code else 200
    )


@router.get("/privacy/exports/{export_id}")
def download(
    request: Request, export_id: uuid.UUID, expires: int = 0, sig: str = Query("", max_length=100)
) -> Response:
    """The archive behind a mailed link; one 404 for a forged, expired or deleted link."""
    state = request.app.state
    with state.store.transaction() as session:
        archive = open_archive(
            session, state.store.keyring, export_id, expires, sig, now=state.clock.now()
        )
    if archive is None:
        return templates.TemplateResponse(request, "error.html", EXPIRED, 404)
    headers = {
        "content-disposition": 'attachment; filename="my-data.zip"',
        "cache-control": "no-store",
        "referrer-policy": "no-referrer",
    }
    return Response(archive, media_type="application/zip", headers=headers)
