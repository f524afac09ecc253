from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx2 as httpx
import pytest
from typer.testing import CliRunner

from conftest import NOW, PASSWORD, ROOT, TEST_SECRET, make_settings
from privet.cli import app
from privet.clock import FixedClock
from privet.notify.service import queue_email
from privet.store.open import open_store

EXAMPLES = sorted((ROOT / "examples").glob("*/policy.yaml"))
runner = CliRunner()


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PRIVET_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("PRIVET_DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    return tmp_path


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.parent.name)
def test_check_passes_every_example_with_a_summary(example: Path) -> None:
    result = runner.invoke(app, ["check", "--policy", str(example)])
    assert result.exit_code == 0, result.output
    assert "is valid" in result.output and "retention" in result.output


def test_check_prints_file_line_and_fails(tmp_path: Path) -> None:
    broken = tmp_path / "policy.yaml"
    text = (ROOT / "examples" / "ntoprog" / "policy.yaml").read_text()
    broken.write_text(text.replace("keep: 3 years", "keep: 3 yeers"))
    line = text.splitlines().index("    keep: 3 years") + 1
    result = runner.invoke(app, ["check", "--policy", str(broken)])
    assert result.exit_code == 1
    assert f"{broken}:{line}: P004 keep: bad duration '3 yeers'" in result.output


def test_init_writes_a_template_and_will_not_overwrite(environment: Path) -> None:
    result = runner.invoke(app, ["init", "--template", "ntropic"])
    assert result.exit_code == 0, result.output
    assert "Ntropic" in (environment / "policy.yaml").read_text()
    again = runner.invoke(app, ["init", "--template", "ntoprog"])
    assert again.exit_code == 1 and "--force" in again.output


def test_init_names_the_templates_when_one_is_unknown(environment: Path) -> None:
    result = runner.invoke(app, ["init", "--template", "acme"])
    assert result.exit_code == 1
    assert "nt-progress, ntoprog, ntropic" in result.output


def test_admin_creates_a_user_then_a_token(environment: Path) -> None:
    created = runner.invoke(
        app, ["admin", "create-user", "alice@example.org", "--role", "admin"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    token = runner.invoke(app, ["admin", "create-token", "alice@example.org", "--name", "ci"])
    assert token.exit_code == 0
    assert token.output.strip().startswith("pvt_")


def test_a_wrong_key_is_refused_with_a_clear_message(environment: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    os.environ["PRIVET_SECRET_KEY"] = runner.invoke(app, ["key", "generate"]).output.strip()
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "not the one this database was written with" in result.output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_answers_health_and_docs_on_loopback(tmp_path: Path) -> None:
    port = _free_port()
    environment = {**os.environ, "PRIVET_SECRET_KEY_FILE": str(tmp_path / "privet.key")}
    command = [sys.executable, "-m", "privet", "serve", "--port", str(port),
               "--policy", str(EXAMPLES[0]), "--db", f"sqlite:///{tmp_path}/serve.db"]  # fmt: skip
    server = subprocess.Popen(command, env=environment, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stderr is not None
        for line in server.stderr:  # ready once uvicorn says it listens
            if "Uvicorn running" in line:
                break
        health = httpx.get(f"http://127.0.0.1:{port}/healthz")
        assert health.status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/docs").status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()  # type: ignore[union-attr]  # opened with PIPE above
    assert (tmp_path / "privet.key").stat().st_mode & 0o777 == 0o600


def test_outbox_deliver_sends_what_is_due_into_the_folder(environment: Path) -> None:
    store = open_store(
        make_settings(environment, f"sqlite:///{environment}/cli.db"), FixedClock(NOW)
    )
    with store.transaction() as session:
        queue_email(session, "ann@example.org", "Your request", "Received.", NOW)
    store.close()
    result = runner.invoke(app, ["outbox", "deliver", "--as-of", "2026-11-24"])
    assert result.exit_code == 0, result.output
    assert "sent 1, to retry 0, given up 0" in result.output
    assert len(list((environment / "outbox").glob("*.eml"))) == 1
