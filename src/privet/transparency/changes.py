"""The public history of the policy: /privacy/changes, and each version as published."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from babel.dates import format_date
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from privet.policy.texts import choose_language
from privet.transparency import versions
from privet.transparency.changes_wording import LANGUAGE_NAMES, changes_words
from privet.transparency.diff import text_diff
from privet.transparency.models import PolicyVersion
from privet.web.templating import templates

router = APIRouter(include_in_schema=False)


@router.get("/privacy/changes", response_class=HTMLResponse)
def changes(request: Request, lang: str | None = None) -> HTMLResponse:
    state = request.app.state
    language = choose_language(state.policy, lang)
    said = changes_words(language)
    with state.store.transaction() as session:
        listed = [_listed(found, language) for found in versions.all_versions(session)]
    context = {
        "lang": language,
        "words": said,
        "intro": said["intro"].format(controller=state.policy.controller.name),
        "versions": listed,
    }
    return templates.TemplateResponse(request, "transparency/changes.html", context)


@router.get("/privacy/versions/{version}", response_class=HTMLResponse)
def version_page(request: Request, version: str, lang: str | None = None) -> HTMLResponse:
    state = request.app.state
    with state.store.transaction() as session:
        found = versions.find_version(session, version)
        if found is None:
            return _not_found(request, choose_language(state.policy, lang))
        latest = versions.latest_version(session)
        previous = versions.previous_of(session, found)
        language = _language_of(found, lang)
        context = _version_context(found, previous, language, state.policy.controller.name)
    context["newer"] = latest is not None and latest.number > found.number
    return templates.TemplateResponse(request, "transparency/version.html", context)


def _version_context(
    found: PolicyVersion, previous: PolicyVersion | None, language: str, controller: str
) -> dict[str, Any]:
    said = changes_words(language)
    text = found.texts[language]
    rows = None
    if previous is not None:
        before = previous.texts.get(language, {}).get("md", "")
        rows = text_diff(before, text["md"])
    return {
        "lang": language,
        "words": said,
        "heading": said["version_title"].format(controller=controller, version=found.version),
        "shown": _listed(found, language),
        "as_published": said["as_published"].format(
            published=_day(found.published_at.date(), language),
            effective=_day(found.effective, language),
        ),
        "languages": [
            (other, LANGUAGE_NAMES.get(other, other), _link(found.version, other))
            for other in found.texts
            if other != language
        ],
        "previous": None if previous is None else _listed(previous, language),
        "rows": rows,
        "text": Markup(text["html"]),  # noqa: S704  # privet's renderer escaped every value
    }


def _language_of(found: PolicyVersion, wanted: str | None) -> str:
    """`wanted` if this version was published in it, else the version's first language."""
    return wanted if wanted in found.texts else next(iter(found.texts))


def _listed(found: PolicyVersion, language: str) -> dict[str, Any]:
    return {
        "version": found.version,
        "link": _link(found.version, language),
        "effective": found.effective,
        "effective_label": _day(found.effective, language),
        "published": found.published_at.date(),
        "published_label": _day(found.published_at.date(), language),
        "summary": found.summary,
    }


def _link(version: str, language: str) -> str:
    return f"/privacy/versions/{quote(version, safe='')}?lang={language}"


def _day(day: date, language: str) -> str:
    return format_date(day, "long", locale=language)


def _not_found(request: Request, language: str) -> HTMLResponse:
    context = {"lang": language, "status": 404, "title": "Not Found",
               "message": changes_words(language)["not_found"]}  # fmt: skip
    return templates.TemplateResponse(request, "error.html", context, 404)
