"""One-click unsubscribe (RFC 8058) and the double opt-in confirmation, as pages.

Both act on POST only. Mail scanners and link previews fetch every link they see with GET;
were GET to act, they would unsubscribe or confirm on the reader's behalf. So GET shows
one button, and POST (from that button, or from a mail client's own unsubscribe button,
which sends `List-Unsubscribe=One-Click`) does it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from privet.backup.ledger import ErasureLedger
from privet.marketing import service
from privet.marketing.wording import words
from privet.policy.schema import Policy
from privet.policy.texts import choose_language
from privet.rights.erase import apply_opt_out_scope
from privet.web.templating import templates

router = APIRouter(include_in_schema=False)


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_page(request: Request, token: str, lang: str | None = None) -> HTMLResponse:
    return _page(request, "marketing/unsubscribe.html", lang, done=False)


@router.post("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe(request: Request, token: str, lang: str | None = None) -> HTMLResponse:
    # Noted in the ledger before it commits, so restoring an older backup cannot undo it.
    ledger = ErasureLedger(request.app.state.settings.erasure_ledger)
    policy = request.app.state.policy
    action = partial(_unsubscribe, policy=policy, ledger=ledger,
                     language=choose_language(policy, lang))  # fmt: skip
    return _act(request, action, token, "marketing/unsubscribe.html", lang)


@router.get("/marketing/confirm/{token}", response_class=HTMLResponse)
def confirm_page(request: Request, token: str, lang: str | None = None) -> HTMLResponse:
    return _page(request, "marketing/confirm.html", lang, done=False)


@router.post("/marketing/confirm/{token}", response_class=HTMLResponse)
def confirm(request: Request, token: str, lang: str | None = None) -> HTMLResponse:
    return _act(request, service.confirm_opt_in, token, "marketing/confirm.html", lang)


def _unsubscribe(
    session: Session, token: str, now: datetime, *, policy: Policy, ledger: ErasureLedger,
    language: str,
) -> bool:  # fmt: skip
    """Unsubscribe, then whatever else the policy's `opt_out_scope` says unsubscribing does;
    only once: a second click, which anyone holding the link can send, changes nothing."""
    done = service.unsubscribe(session, token, now, ledger=ledger)
    if done is not None and done.email is not None:
        apply_opt_out_scope(session, policy, done.email, ledger=ledger, language=language,
                            now=now)  # fmt: skip
    return done is not None


def _act(
    request: Request,
    action: Callable[[Session, str, datetime], bool],
    token: str,
    done_page: str,
    lang: str | None,
) -> HTMLResponse:
    """Run `action` for the link's token; a token privet did not make changes nothing."""
    state = request.app.state
    with state.store.transaction() as session:
        known = action(session, token, state.clock.now())
    if not known:
        return _page(request, "marketing/invalid.html", lang, status=404)
    return _page(request, done_page, lang, done=True)


def _page(
    request: Request, name: str, lang: str | None, *, done: bool = False, status: int = 200
) -> HTMLResponse:
    policy = request.app.state.policy
    language = choose_language(policy, lang)
    scope = policy.marketing.opt_out_scope if policy.marketing else "marketing"
    context = {"lang": language, "words": words(language, scope), "done": done,
               "controller": policy.controller.name}  # fmt: skip
    response = templates.TemplateResponse(request, name, context, status)
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in this page's URL
    return response
