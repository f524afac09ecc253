"""The ASGI application: settings, policy, store and clock in; routers mounted; no domain logic."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from privet import __version__
from privet.admin import api as admin_api
from privet.admin import pages as admin_pages
from privet.analytics import admin as analytics_admin
from privet.analytics import api as analytics_api
from privet.analytics.collect import SaltCache
from privet.auditlog import admin as auditlog_admin
from privet.clients import pages as clients_pages
from privet.clock import Clock
from privet.config import Settings
from privet.consent import api as consent_api
from privet.consent import pages as consent_pages
from privet.intake import admin as intake_admin
from privet.intake import api as intake_api
from privet.intake import pages as intake_pages
from privet.intake.spam import RateLimit
from privet.marketing import pages as marketing_pages
from privet.policy.schema import Policy
from privet.retention import admin as retention_admin
from privet.rights import admin as rights_admin
from privet.rights import api as rights_api
from privet.rights import pages as rights_pages
from privet.store.group_commit import GroupCommit
from privet.store.open import Store
from privet.transparency import changes as transparency_changes
from privet.transparency import evidence_page
from privet.transparency import pages as transparency_pages
from privet.web import health, metrics
from privet.web.auth import LoginRequired
from privet.web.docs import mount_docs
from privet.web.errors import error_body, install_error_handlers
from privet.web.middleware import AccessLog, BodyLimit, PublicCors, SecurityHeaders
from privet.web.proxies import TrustedProxies
from privet.web.rate_limit import Buckets, PublicRateLimit

STATIC = Path(__file__).parent / "static"
DESCRIPTION = "Privet keeps the promises that a privacy policy makes."
# Bodies privet accepts: a consent decision is a few hundred bytes; a form may be long.
BODY_LIMIT = 1024 * 1024
BODY_LIMITS = {
    "/api/v1/consents": 16 * 1024,
    "/api/v1/collect": 4 * 1024,
    # A request's details are 4,000 characters: up to six bytes each, escaped.
    "/api/v1/requests": 64 * 1024,
    "/privacy/requests": 64 * 1024,
    "/unsubscribe/": 4 * 1024,
    "/marketing/confirm/": 4 * 1024,
    "/admin/login": 8 * 1024,
}
# What a visitor's browser calls from the operator's own pages.
PUBLIC_PREFIXES = ("/api/v1/consents", "/api/v1/forms/", "/api/v1/collect")
# What anyone may call without signing in, limited per client (PRIVET_PUBLIC_RATE_LIMIT).
# Not /forms/: an operator's server may include a form in each page it renders.
RATE_LIMITED_PREFIXES = (
    *PUBLIC_PREFIXES, "/api/v1/requests", "/privacy/requests", "/unsubscribe/",
    "/marketing/confirm/", "/admin/login",
)  # fmt: skip


def create_app(settings: Settings, policy: Policy, store: Store, clock: Clock) -> FastAPI:
    app = FastAPI(
        title="privet", version=__version__, description=DESCRIPTION, docs_url=None, redoc_url=None
    )
    app.state.settings, app.state.policy = settings, policy
    app.state.store, app.state.clock = store, clock
    rate = settings.form_rate_limit
    app.state.rate_limit = RateLimit(store.keyring, rate.count, rate.window) if rate else None
    app.state.consent_writes = GroupCommit(store)
    app.state.analytics_writes = GroupCommit(store)
    app.state.salts = SaltCache()
    app.state.request_counts = metrics.RequestCounts()
    app.state.evidence_cache = evidence_page.EvidenceCache(evidence_page.CACHE_FOR)
    install_error_handlers(app)
    app.add_exception_handler(LoginRequired, _login_required)
    mount_docs(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(admin_api.router, prefix="/api/v1")
    app.include_router(intake_api.router, prefix="/api/v1")
    app.include_router(consent_api.router, prefix="/api/v1")
    app.include_router(analytics_api.router, prefix="/api/v1")
    app.include_router(consent_pages.router)
    app.include_router(rights_api.router, prefix="/api/v1")
    app.include_router(rights_pages.router)
    app.include_router(evidence_page.router)
    app.include_router(transparency_changes.router)
    app.include_router(transparency_pages.router)
    app.include_router(intake_pages.router)
    app.include_router(marketing_pages.router)
    app.include_router(intake_admin.router)
    app.include_router(admin_pages.router)
    app.include_router(clients_pages.router)
    app.include_router(rights_admin.router)
    app.include_router(retention_admin.router)
    app.include_router(analytics_admin.router)
    app.include_router(auditlog_admin.router)
    app.add_middleware(SecurityHeaders, hsts=settings.secure_cookies)
    app.add_middleware(BodyLimit, default=BODY_LIMIT, limits=BODY_LIMITS)
    public = settings.public_rate_limit
    buckets = Buckets(store.keyring, public, clock) if public else None
    app.add_middleware(PublicRateLimit, buckets=buckets, prefixes=RATE_LIMITED_PREFIXES)
    app.add_middleware(PublicCors, origins=_site_origins(policy), prefixes=PUBLIC_PREFIXES)
    app.add_middleware(AccessLog, on_request=app.state.request_counts.add)
    # Outermost: every layer and route after it sees the client's own address.
    app.add_middleware(TrustedProxies, proxies=settings.trusted_proxies)
    return app


async def _login_required(request: Request, _error: Exception) -> Response:
    # Machines (API clients, a Prometheus scraper) cannot follow a login form: they get a 401.
    if request.url.path.startswith("/api/") or request.url.path == "/metrics":
        body = error_body("unauthenticated", "sign in, or send a bearer token")
        return JSONResponse(body, 401, headers={"www-authenticate": "Bearer"})
    return RedirectResponse("/admin/login", 303)


def _site_origins(policy: Policy) -> list[str]:
    if policy.website is None:
        return []
    parts = urlsplit(policy.website.url)
    return [f"{parts.scheme}://{parts.netloc}"]
