"""The docs and the code say the same thing: every setting, command and route is documented."""

from __future__ import annotations

from typing import Any

import typer
from fastapi.testclient import TestClient

from conftest import ROOT
from privet.cli import app
from privet.config import SETTINGS


def _commands(group: Any, prefix: str = "privet") -> list[str]:
    """Leaf commands as typed; typer's groups need not be click's (it may vendor click)."""
    names = []
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            names += _commands(command, f"{prefix} {name}")
        else:
            names.append(f"{prefix} {name}")
    return names


def test_every_setting_is_documented() -> None:
    documented = (ROOT / "docs" / "configuration.md").read_text()
    for setting in SETTINGS.values():
        assert f"`{setting.env}`" in documented, setting.env


def test_every_command_is_documented_in_the_cli_guide_and_the_readme() -> None:
    guide, readme = (ROOT / "docs" / "cli.md").read_text(), (ROOT / "README.md").read_text()
    for command in _commands(typer.main.get_command(app)):
        assert f"`{command}" in guide, command
        assert command in readme, command


# Served by FastAPI or Starlette for every app, documented as a group in docs/api.md.
FRAMEWORK_ROUTES = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/docs/assets", "/static"}


def _routes(routes: list[Any], prefix: str = "") -> list[tuple[str, str]]:
    """(method, path) of every route. FastAPI 0.165 keeps included routers whole, with
    their prefix beside them (its private `_IncludedRouter`): look inside."""
    found = []
    for route in routes:
        if hasattr(route, "original_router"):
            inner = prefix + route.include_context.prefix
            found += _routes(route.original_router.routes, inner)
            continue
        for method in getattr(route, "methods", None) or {"GET"}:
            if method not in ("HEAD", "OPTIONS"):
                found.append((method, prefix + route.path))
    return found


def test_every_route_is_documented_in_the_http_guide(client: TestClient) -> None:
    guide = (ROOT / "docs" / "api.md").read_text()
    routes = _routes(client.app.routes)  # type: ignore[attr-defined]  # privet's FastAPI app
    assert ("POST", "/api/v1/consents") in routes  # the walk does reach included routers
    for method, path in routes:
        if path not in FRAMEWORK_ROUTES:
            assert f"{method} {path}" in guide, f"{method} {path} is not in docs/api.md"
