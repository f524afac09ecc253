"""`privet backup FILE`, `privet restore FILE`, and `privet serve` taking the daily copy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLE, TEST_SECRET
from privet.backup.copies import copies
from privet.cli import app
from privet.store.crypto import generate_secret

runner = CliRunner()


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PRIVET_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("PRIVET_POLICY", str(EXAMPLE))
    return tmp_path


def test_a_backup_made_from_the_command_line_restores_into_an_empty_database(
    environment: Path, database_url: str, empty_url: str
) -> None:
    made = runner.invoke(app, ["backup", "store.backup", "--db", database_url])
    assert made.exit_code == 0, made.output
    assert "wrote store.backup" in made.output and "keep the secret key apart" in made.output
    assert (environment / "store.backup").stat().st_mode & 0o777 == 0o600
    restored = runner.invoke(app, ["restore", "store.backup", "--db", empty_url])
    assert restored.exit_code == 0, restored.output
    assert "restored the" in restored.output and "0 erasures made again" in restored.output
    again = runner.invoke(app, ["restore", "store.backup", "--db", empty_url])
    assert again.exit_code == 1 and "is not empty" in again.output
    over = runner.invoke(app, ["backup", "store.backup", "--db", database_url])
    assert over.exit_code == 1 and "exists: a backup never overwrites a file" in over.output


def test_restoring_with_another_key_exits_1_naming_the_key_it_needs(
    environment: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(app, ["backup", "store.backup", "--db", sqlite_url]).exit_code == 0
    monkeypatch.setenv("PRIVET_SECRET_KEY", generate_secret())
    refused = runner.invoke(app, ["restore", "store.backup", "--db", "sqlite:///new.db"])
    assert refused.exit_code == 1
    assert "this backup was sealed with key" in refused.output
    assert not (environment / "new.db").exists()


def test_serve_takes_a_backup_on_start_when_a_backup_folder_is_set(
    environment: Path, sqlite_url: str
) -> None:
    folder = environment / "backups"
    command = [sys.executable, "-m", "privet", "serve", "--port", "0", "--db", sqlite_url]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True,
                              env=os.environ | {"PRIVET_BACKUP_DIR": str(folder)})  # fmt: skip
    try:
        assert server.stderr is not None
        events = (line for line in server.stderr if '"event": "backup_' in line)
        assert '"event": "backup_done"' in next(events)
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()  # type: ignore[union-attr]  # opened with PIPE above
    assert len(copies(folder)) == 1
    restored = runner.invoke(app, ["restore", str(copies(folder)[0][1]), "--db", "sqlite:///r.db"])
    assert restored.exit_code == 0, restored.output
