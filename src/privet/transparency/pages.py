"""/privacy: the policy text as a page, as Markdown, and the page's stylesheet."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from privet.policy.schema import Policy
from privet.policy.texts import reader_language
from privet.transparency.as_html import article_of
from privet.transparency.as_markdown import markdown_of
from privet.transparency.formats import language_name
from privet.transparency.render import build_document
from privet.transparency.words import words
from privet.web.templating import templates

router = APIRouter(include_in_schema=False)

STYLESHEET = (Path(__file__).parent / "static" / "privacy.css").read_text(encoding="utf-8")
# The language follows the reader's browser unless asked for: caches must key on it.
VARY = {"vary": "Accept-Language"}


@dataclass(frozen=True)
class Rendered:
    title: str
    article: str
    markdown: str


@dataclass
class RenderedTexts:
    """The texts of one policy object, rendered once per language: the policy does not
    change while privet serves it. Another object (a restart, a test swapping the app's
    policy) starts afresh; the policy is held, so its id cannot be reused meanwhile."""

    policy: Policy | None = None
    texts: dict[str, Rendered] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def of(self, policy: Policy, language: str) -> Rendered:
        with self.lock:
            if policy is not self.policy:
                self.policy, self.texts = policy, {}
            if language not in self.texts:
                document = build_document(policy, language)
                self.texts[language] = Rendered(
                    document.title, article_of(document), markdown_of(document)
                )
            return self.texts[language]


RENDERED = RenderedTexts()


@router.get("/privacy", response_class=HTMLResponse)
def privacy(request: Request, lang: str | None = Query(None, max_length=16)) -> HTMLResponse:
    policy = request.app.state.policy
    language = reader_language(policy, lang, request.headers.get("accept-language", ""))
    rendered = RENDERED.of(policy, language)
    context = {
        "lang": language,
        "words": words(language),
        "title": rendered.title,
        "article": Markup(rendered.article),  # noqa: S704  # the renderer escaped every value
        "languages": [(code, language_name(code)) for code in policy.policy.languages],
    }
    return templates.TemplateResponse(request, "transparency/privacy.html", context, headers=VARY)


@router.get("/privacy.md")
def privacy_markdown(request: Request, lang: str | None = Query(None, max_length=16)) -> Response:
    policy = request.app.state.policy
    language = reader_language(policy, lang, request.headers.get("accept-language", ""))
    text = RENDERED.of(policy, language).markdown
    return Response(text, media_type="text/markdown; charset=utf-8", headers=VARY)


@router.get("/privacy.css")
def stylesheet() -> Response:
    return Response(STYLESHEET, media_type="text/css; charset=utf-8")
