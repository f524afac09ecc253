"""The docs and the code say the same thing: every setting and command is documented."""

from __future__ import annotations

from typing import Any

import typer

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
