"""The example company's site at `/`: a home page, a page for each declared form, and the
newsletter where a form offers the opt-in box, all made from the policy.

It asks for nothing the policy does not declare: its forms are privet's own snippets, put
in server-side as an operator's site would, and every page loads /privet.js (the banner,
the scripts gated by consent, the page views).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from privet.demo.templating import templates
from privet.demo.wording import words
from privet.intake.pages import form_snippet
from privet.intake.spam import RETURN
from privet.policy.schema import Policy
from privet.policy.texts import reader_language, text_in

router = APIRouter(include_in_schema=False)
Lang = Query(None, max_length=16)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, lang: str | None = Lang) -> HTMLResponse:
    return _page(request, "demo/home.html", _language(request, lang))


@router.get("/demo/forms/{form}", response_class=HTMLResponse)
def form_page(
    request: Request, form: str, lang: str | None = Lang, privet: str = Query("", max_length=8)
) -> HTMLResponse:
    policy: Policy = request.app.state.policy
    language = _language(request, lang)
    if form not in policy.forms:
        return _page(request, "demo/missing.html", language, 404)
    confirms = policy.marketing is not None and policy.marketing.double_opt_in
    return _page(
        request, "demo/form.html", language, form=form, snippet=_snippet(request, form, language),
        sent=privet == "sent", confirm=confirms and policy.forms[form].marketing_opt_in,
    )  # fmt: skip


@router.get("/demo/newsletter", response_class=HTMLResponse)
def newsletter(request: Request, lang: str | None = Lang) -> HTMLResponse:
    """Where the box is: the policy declares no newsletter form of its own. A 404 when no
    form offers the box, with a page that says the policy declares no marketing email."""
    policy: Policy = request.app.state.policy
    offered = any(form.marketing_opt_in for form in policy.forms.values())
    double = policy.marketing is not None and policy.marketing.double_opt_in
    status = 200 if offered else 404
    return _page(request, "demo/newsletter.html", _language(request, lang), status, double=double)


def _language(request: Request, asked: str | None) -> str:
    policy = request.app.state.policy
    return reader_language(policy, asked, request.headers.get("accept-language", ""))


def _snippet(request: Request, form: str, language: str) -> Markup:
    """privet's own `GET /forms/{form}`, called in-process: what a site's server-side
    include would fetch. A hidden field brings the visitor back here once it is sent."""
    html = bytes(form_snippet(request, form, language).body).decode()
    base_url = request.app.state.settings.base_url
    back = f"{base_url}/demo/forms/{form}?{urlencode({'lang': language})}"
    field = Markup('<input type="hidden" name="{}" value="{}">').format(RETURN, back)
    return Markup(html.replace("</form>", f"{field}</form>"))  # noqa: S704  # privet's own HTML


def _page(
    request: Request, name: str, language: str, status: int = 200, **context: object
) -> HTMLResponse:
    policy: Policy = request.app.state.policy
    context |= {
        "lang": language,
        "languages": policy.policy.languages,
        "words": words(language),
        "controller": policy.controller.name,
        "forms": _forms(policy, language),
        "gated": _gated(policy, language),
        "path": request.url.path,
    }
    return templates.TemplateResponse(request, name, context, status)


def _forms(policy: Policy, language: str) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "title": text_in(form.description, language, policy)
            if form.description
            else name.replace("_", " ").capitalize(),
            "opt_in": form.marketing_opt_in,
        }
        for name, form in policy.forms.items()
    ]


def _gated(policy: Policy, language: str) -> list[dict[str, str]]:
    """The cookie categories that need consent: a stand-in script waits for each."""
    return [
        {
            "name": name,
            "description": text_in(category.description, language, policy),
            "vendors": ", ".join(vendor.name for vendor in category.vendors),
        }
        for name, category in policy.cookies.items()
        if not category.required
    ]
