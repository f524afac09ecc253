"""The systemd unit and the environment file under deploy/ agree with privet and each other."""

from __future__ import annotations

import shlex
from pathlib import Path

import typer

from conftest import ROOT
from privet.cli import app
from privet.config import SETTINGS, Settings

UNIT = ROOT / "deploy" / "systemd" / "privet@.service"
ENVIRONMENT = ROOT / "deploy" / "privet.env.example"


def directives(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith(("#", "[")):
            name, _, value = line.partition("=")
            found.setdefault(name, []).append(value)
    return found


def example_environment() -> dict[str, str]:
    """The file as systemd reads it: NAME=VALUE lines, quotes around a value removed."""
    return {name: shlex.split(values[-1])[0] for name, values in directives(ENVIRONMENT).items()}


def test_the_environment_file_sets_only_real_settings_with_valid_values() -> None:
    environment = example_environment()
    known = {setting.env for setting in SETTINGS.values()}
    assert set(environment) <= known, set(environment) - known
    settings = Settings.from_env(environment)  # raises on a value privet would refuse
    assert settings.database_url.startswith("postgresql://")
    assert settings.base_url.startswith("https://")


def test_the_unit_starts_privet_serve_with_options_it_accepts() -> None:
    unit = directives(UNIT)
    [start] = unit["ExecStart"]
    program, command, *options = shlex.split(start.replace("%i", "8001"))
    assert program.endswith("/privet") and command == "serve"
    serve = typer.main.get_command(app).commands["serve"]  # type: ignore[attr-defined]  # a group
    context = serve.make_context("serve", options)  # raises on an unknown option
    assert context.params["host"] == "127.0.0.1" and context.params["port"] == 8001
    assert unit["EnvironmentFile"] == ["/etc/privet/privet.env"]


def test_the_unit_lets_privet_write_where_the_environment_file_points() -> None:
    writable = [Path(p) for p in directives(UNIT)["ReadWritePaths"][0].split()]
    environment = example_environment()
    for name in ("PRIVET_SECRET_KEY_FILE", "PRIVET_ERASURE_LEDGER", "PRIVET_BACKUP_DIR"):
        target = Path(environment[name])
        assert any(target.is_relative_to(folder) for folder in writable), name
