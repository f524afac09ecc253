"""What the deployment tests share: `privet serve` as real processes on loopback ports, as
systemd runs them, each ready once its /healthz answers, stopped with SIGTERM."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import httpx2 as httpx

from conftest import EXAMPLE, TEST_SECRET

STARTUP_SECONDS = 30  # imports and, on an empty database, every migration
POLL_SECONDS = 0.05
EXCEPTION_LINE = re.compile(r"[\w.]+(Error|Exception|Violation)\b")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(ready: Callable[[], bool], seconds: float, what: str) -> None:
    """Poll `ready` until it holds; fail naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds} s")
        time.sleep(POLL_SECONDS)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def entries(self) -> list[dict[str, str]]:
        """The log's JSON lines (uvicorn's banner and the like are not JSON)."""
        lines = self.log.read_text().splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]

    def errors(self) -> list[str]:
        """Each error the server logged, in one line: its event and its exception's last
        line (or its class): what a failed assertion shows of the server's side."""
        found = []
        for entry in self.entries():
            if entry.get("level") == "error":
                raised = [row for row in entry.get("exception", "").splitlines()
                          if EXCEPTION_LINE.match(row)]  # fmt: skip
                found.append(f"{entry['event']}: {(raised or [entry.get('error')])[-1]}")
        return found

    def healthy(self, client: httpx.Client) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"privet on {self.port} exited:\n{self.log.read_text()}")
        try:
            return client.get(f"{self.url}/healthz").status_code == 200
        except httpx.TransportError:
            return False


def server_environment(folder: Path, database_url: str, **extra: str) -> dict[str, str]:
    """What /etc/privet/privet.env would hold; per-client limits off, as the load comes
    from one loopback address."""
    return (
        os.environ
        | {
            "PRIVET_POLICY": str(EXAMPLE),
            "PRIVET_DATABASE_URL": database_url,
            "PRIVET_SECRET_KEY": TEST_SECRET,
            "PRIVET_OUTBOX_DIR": str(folder / "outbox"),
            "PRIVET_FORM_RATE_LIMIT": "off",
            "PRIVET_PUBLIC_RATE_LIMIT": "off",
            "PRIVET_TRUSTED_PROXIES": "127.0.0.1",
            "PRIVET_BACKUP_DIR": "off",  # unless a test sets a folder
        }
        | extra
    )


@contextlib.contextmanager
def serving(
    folder: Path, environment: dict[str, str], count: int = 2, as_of: str | None = None
) -> Iterator[list[Server]]:
    """`count` servers on one database, all healthy; SIGTERM to each afterwards, and each
    must stop cleanly."""
    servers: list[Server] = []
    try:
        for number in range(count):
            port, log = free_port(), folder / f"privet-{number}.log"
            command = [sys.executable, "-m", "privet", "serve", "--port", str(port)]
            command += ["--as-of", as_of] if as_of else []
            with log.open("wb") as output:  # a file, not a pipe nobody drains under load
                process = subprocess.Popen(command, env=environment, cwd=folder,
                                           stdout=output, stderr=subprocess.STDOUT)  # fmt: skip
            servers.append(Server(process, port, log))
        # One client for every poll: each new one loads the system's CA certificates,
        # which takes the CPU the starting servers need.
        with httpx.Client(timeout=1) as client:
            for server in servers:
                ready = partial(server.healthy, client)
                wait_until(ready, STARTUP_SECONDS, f"privet on port {server.port}")
        yield servers
    except BaseException:
        stop(servers)  # the failure under way says what went wrong
        raise
    for server, code in zip(servers, stop(servers), strict=True):
        # Requests under way finish, then each chore's pass, then the process exits 0.
        assert code == 0, f"privet ended with {code}:\n{server.log.read_text()}"
        assert [e for e in server.entries() if e["event"] == "stopped"], server.log.read_text()


def stop(servers: list[Server]) -> list[int]:
    """SIGTERM to each server still running; the exit code of each."""
    for server in servers:
        if server.process.poll() is None:
            server.process.send_signal(signal.SIGTERM)
    return [server.process.wait(timeout=30) for server in servers]
