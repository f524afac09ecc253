"""`privet serve` killed with SIGKILL in the middle of a write load loses nothing it
acknowledged: after a restart on the same database every consent receipt and form
submission answered 201 is there, and the audit log's chain is intact."""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from conftest import EXAMPLE
from deploy.conftest import STARTUP_SECONDS, Server, free_port, server_environment, wait_until
from privet.cli import app as cli
from privet.intake.models import Submission
from privet.policy.load import load_policy
from privet.store.engine import normalise_url

WRITERS = 6
ACKNOWLEDGED_BEFORE_KILL = 60
DECISION = {"policy_version": load_policy(EXAMPLE).policy.version, "method": "banner",
            "granted": ["analytics"], "denied": ["marketing"]}  # fmt: skip


@contextlib.contextmanager
def serving(folder: Path, environment: dict[str, str], name: str) -> Iterator[Server]:
    """`privet serve` in a process group of its own, so that a kill reaches all it started;
    killed on the way out, whatever happened."""
    port, log = free_port(), folder / f"{name}.log"
    command = [sys.executable, "-m", "privet", "serve", "--port", str(port)]
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=environment, cwd=folder, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    server = Server(process, port, log)
    try:
        with httpx.Client(timeout=1) as client:
            wait_until(lambda: server.healthy(client), STARTUP_SECONDS, f"privet {name}")
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


class Load:
    """Writers posting consents and forms until told to stop; what was acknowledged."""

    def __init__(self, server: Server) -> None:
        self.server, self.stop = server, threading.Event()
        self.receipts: list[str] = []
        self.submissions: list[str] = []
        self.failures: list[int] = []  # statuses other than 201
        self.numbers = itertools.count()
        self.threads = [threading.Thread(target=self._write) for _ in range(WRITERS)]

    def acknowledged(self) -> int:
        return len(self.receipts) + len(self.submissions)

    def _write(self) -> None:
        with httpx.Client(base_url=self.server.url, timeout=10) as client:
            while not self.stop.is_set():
                try:
                    self._write_one(client, next(self.numbers))
                except httpx.TransportError:  # killed: this one was never acknowledged
                    return

    def _write_one(self, client: httpx.Client, number: int) -> None:
        if number % 2:
            answer = client.post("/api/v1/consents", json=DECISION)
            acknowledged, key = self.receipts, "receipt_id"
        else:
            form = {"name": "Ann", "email": f"ann{number}@example.org", "message": "A quote"}
            answer = client.post("/api/v1/forms/contact/submissions", json=form)
            acknowledged, key = self.submissions, "id"
        if answer.status_code == 201:
            acknowledged.append(answer.json()[key])
        else:
            self.failures.append(answer.status_code)


@pytest.fixture
def environment(database_url: str, tmp_path: Path) -> dict[str, str]:
    return server_environment(tmp_path, database_url, PRIVET_SECRET_KEY_FILE=str(tmp_path / "key"))


def kill_under_load(server: Server) -> Load:
    """Kill the server once enough writes are acknowledged, writers still writing."""
    load = Load(server)
    for thread in load.threads:
        thread.start()
    try:
        wait_until(lambda: load.acknowledged() >= ACKNOWLEDGED_BEFORE_KILL, 60, "writes")
        os.killpg(server.process.pid, signal.SIGKILL)
        assert server.process.wait(timeout=30) == -signal.SIGKILL
    finally:
        load.stop.set()
        for thread in load.threads:
            thread.join(timeout=30)
    assert load.failures == []  # before the kill, every write was acknowledged
    return load


def stored_submissions(database_url: str) -> set[str]:
    engine = create_engine(normalise_url(database_url))
    with Session(engine) as session:
        stored = {str(id_) for id_ in session.scalars(select(Submission.id))}
    engine.dispose()
    return stored


def test_every_acknowledged_write_survives_a_kill(
    environment: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    with serving(tmp_path, environment, "killed") as killed:
        load = kill_under_load(killed)
    with (
        serving(tmp_path, environment, "restarted") as restarted,
        httpx.Client(base_url=restarted.url, timeout=10) as client,
    ):
        answers = {id_: client.get(f"/api/v1/consents/{id_}") for id_ in load.receipts}
    assert [id_ for id_, answer in answers.items() if answer.status_code != 200] == []
    assert set(load.submissions) <= stored_submissions(database_url)
    verified = CliRunner().invoke(cli, ["audit-log", "verify"], env=environment)
    assert verified.exit_code == 0, verified.output
    assert "chain intact" in verified.output
