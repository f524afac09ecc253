"""The demo's ASGI app: privet's own, with the example site and the mailbox beside it on the
same origin. `privet demo` serves it; the tests serve the very same."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from privet.clock import Clock
from privet.config import Settings
from privet.demo import mailbox, site
from privet.policy.schema import Policy
from privet.store.open import Store
from privet.web.app import create_app

STATIC = Path(__file__).parent / "static"


def create_demo_app(settings: Settings, policy: Policy, store: Store, clock: Clock) -> FastAPI:
    # privet's routes come first and none is at / or under /demo: the site takes nothing.
    app = create_app(settings, policy, store, clock)
    app.mount("/demo/static", StaticFiles(directory=STATIC), name="demo-static")
    app.include_router(site.router)
    app.include_router(mailbox.router)
    return app
