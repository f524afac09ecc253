"""The Jinja environment for every page: base templates here, each capability's beside it."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

PACKAGE = Path(__file__).parent.parent
# Capabilities keep pages in <capability>/templates/<capability>/, so names never collide.
TEMPLATE_DIRS = [
    PACKAGE / "web" / "templates",
    PACKAGE / "admin" / "templates",
    PACKAGE / "analytics" / "templates",
    PACKAGE / "auditlog" / "templates",
    PACKAGE / "clients" / "templates",
    PACKAGE / "consent" / "templates",
    PACKAGE / "intake" / "templates",
    PACKAGE / "marketing" / "templates",
    PACKAGE / "retention" / "templates",
    PACKAGE / "rights" / "templates",
    PACKAGE / "transparency" / "templates",
]

templates = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(TEMPLATE_DIRS),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
)
