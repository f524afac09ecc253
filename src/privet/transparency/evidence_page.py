"""`/privacy/evidence` and `/privacy/evidence.json`: each promise of the policy, the
mechanism that keeps it, and its live figure.

The page is public and the audit behind it can take seconds on a big store, so the
figures are computed at most once per `CACHE_FOR` in each process, whatever the traffic;
the page says when they were computed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from fastapi import APIRouter, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse

from privet.consent.wording import banner_words
from privet.policy.schema import Policy
from privet.policy.texts import reader_language
from privet.transparency.evidence import Evidence, gather_evidence
from privet.transparency.evidence_words import Formats, words
from privet.web.templating import templates

router = APIRouter(include_in_schema=False)

CACHE_FOR = timedelta(minutes=5)


@dataclass(frozen=True)
class _Computed:
    policy: Policy
    at: datetime
    evidence: Evidence


class EvidenceCache:
    """The last figures, kept `lifetime` by the app's clock. Requests that find them stale
    wait on one lock while the first recomputes, so a flood runs one computation."""

    def __init__(self, lifetime: timedelta) -> None:
        self.lifetime = lifetime
        self._lock = threading.Lock()
        self._computed: _Computed | None = None

    def get(self, policy: Policy, now: datetime, compute: Callable[[], Evidence]) -> Evidence:
        with self._lock:
            last = self._computed
            # A new policy in force, or a clock set back, makes the figures stale too.
            if (
                last is None
                or last.policy is not policy
                or not last.at <= now < last.at + self.lifetime
            ):
                last = self._computed = _Computed(policy, now, compute())
            return last.evidence


def current_evidence(request: Request) -> Evidence:
    state = request.app.state
    policy, now = state.policy, state.clock.now()

    def compute() -> Evidence:
        with state.store.transaction() as session:
            return gather_evidence(session, policy, now, state.settings)

    cache: EvidenceCache = state.evidence_cache
    return cache.get(policy, now, compute)


@router.get("/privacy/evidence", response_class=HTMLResponse)
def evidence_page(request: Request, lang: str | None = Query(None, max_length=16)) -> HTMLResponse:
    policy = request.app.state.policy
    language = reader_language(policy, lang, request.headers.get("accept-language", ""))
    context = {
        "lang": language,
        "words": words(language),
        "fmt": Formats(language, policy),
        "evidence": current_evidence(request),
        "policy": policy,
        "banner": banner_words(language, policy.controller.name),
    }
    return templates.TemplateResponse(request, "transparency/evidence.html", context)


@router.get("/privacy/evidence.json")
def evidence_json(request: Request) -> JSONResponse:
    return JSONResponse(jsonable_encoder(asdict(current_evidence(request))))
