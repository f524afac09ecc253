"""`privet demo` as a newcomer runs it: a real process on a loopback port."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import pytest
from typer.testing import CliRunner

from privet.cli import app
from privet.demo.prepare import ADMIN

LOGIN = re.compile(r"sign in as (\S+) with password (\S+)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Started:
    url: str
    printed: str
    folder: Path  # its working directory, where PRIVET_DATABASE_URL points


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Started]:
    """`privet demo --template ntropic`, once for this module's tests, in a folder where
    PRIVET_DATABASE_URL names a database the demo must not touch."""
    tmp_path = tmp_path_factory.mktemp("command")
    port = _free_port()
    environment = {**os.environ, "PRIVET_DATABASE_URL": f"sqlite:///{tmp_path}/real.db",
                   "PYTHONUNBUFFERED": "1"}  # fmt: skip
    command = [sys.executable, "-m", "privet", "demo", "--template", "ntropic",
               "--port", str(port), "--dir", str(tmp_path / "demo")]  # fmt: skip
    server = subprocess.Popen(command, cwd=tmp_path, env=environment, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert server.stdout is not None and server.stderr is not None
    try:
        printed = []
        for line in server.stdout:
            printed.append(line)
            if line.startswith("The password is new"):  # the last line it prints
                break
        for line in server.stderr:  # ready once uvicorn says it listens
            if "Uvicorn running" in line:
                break
        yield Started(f"http://127.0.0.1:{port}", "".join(printed), tmp_path)
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()
        server.stderr.close()


def _signs_in(url: str, email: str, password: str) -> bool:
    with httpx.Client(base_url=url) as browser:
        form = browser.get("/admin/login").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert csrf is not None
        fields = {"email": email, "password": password, "csrf_token": csrf.group(1)}
        answer = browser.post("/admin/login", data=fields)
        return answer.status_code == 303 and answer.headers["location"] == "/admin"


def test_it_prints_the_addresses_and_an_admin_login_that_signs_in(started: Started) -> None:
    url, text = started.url, started.printed
    assert f"privet demo: Ntropic Group's policy 2026-11-23 (template ntropic), data in " \
           f"{started.folder / 'demo'}" in text  # fmt: skip
    for address in (f"{url}/", f"{url}/admin", f"{url}/docs", f"{url}/demo/mailbox"):
        assert address in text, address
    login = LOGIN.search(text)
    assert login is not None and login.group(1) == ADMIN
    assert _signs_in(url, ADMIN, login.group(2))
    assert not _signs_in(url, ADMIN, login.group(2) + "x")
    assert "This is a demo site of Ntropic Group" in httpx.get(f"{url}/").text


def test_it_keeps_its_data_in_its_folder_only(started: Started) -> None:
    assert httpx.get(f"{started.url}/healthz").status_code == 200
    demo = started.folder / "demo"
    assert {path.name for path in demo.iterdir()} >= {"privet.db", "privet.key"}
    assert (demo / "privet.key").stat().st_mode & 0o777 == 0o600
    assert not (started.folder / "real.db").exists()
    assert not (demo / "backups").exists() and not (started.folder / "backups").exists()


def test_an_unknown_template_is_refused_with_the_names_of_those_there_are(
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(app, ["demo", "--template", "acme", "--dir", str(tmp_path / "d")])
    assert result.exit_code == 1
    assert "no template 'acme' (templates: nt-progress, ntoprog, ntropic)" in result.output
    assert not (tmp_path / "d").exists()
