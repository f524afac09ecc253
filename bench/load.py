"""What every benchmark shares: a privet server in its own process, and a closed-loop load.

`--clients` workers on one event loop each send their next request as soon as the last is
answered; a result counts successes per second, latencies, failures and the CPU of both
sides. Every bench also writes its figures with `--json FILE`, for `bench/run`. Not a test:
nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "examples" / "ntoprog" / "policy.yaml"
STARTUP_SECONDS = 30
# On SIGTERM privet lets each chore finish its pass: after the intake bench, the delivery
# of thousands of operator notices to the outbox folder.
STOP_SECONDS = 120
WARM_UP = 100  # requests before each measurement: connections open, code paths warm

Request = Callable[["httpx.AsyncClient", int], Awaitable["httpx.Response"]]


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    seconds: float
    latencies: list[float]
    failures: Counter[str]  # by status code, or by the error for a dropped connection
    client_cpu: float  # share of one CPU the load generator used: near 100 %, it is the limit
    server_cpu: float | None

    @property
    def per_second(self) -> float:
        """Requests answered with success, per second: a failure is no submission taken."""
        return (self.requests - self.failures.total()) / self.seconds

    def line(self) -> str:
        p50, p99 = (statistics.quantiles(self.latencies, n=100)[i] * 1000 for i in (49, 98))
        server = "" if self.server_cpu is None else f", server CPU {self.server_cpu:.0%}"
        kinds = ", ".join(f"{kind} x{times}" for kind, times in self.failures.most_common())
        failed = f": {kinds}" if kinds else ""
        return (
            f"{self.name:<34} {self.per_second:8.0f}/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms"
            f"  ({self.requests} in {self.seconds:.1f} s, {self.failures.total()} failed"
            f"{failed}; client CPU {self.client_cpu:.0%}{server})"
        )


@dataclass(frozen=True)
class Figure:
    """One row of bench/RESULTS.md: a measured value and its baseline, from the same run."""

    name: str
    value: float
    baseline_name: str
    baseline: float
    unit: str  # of both: "/s", "ms", "MB", "bytes"
    target: str = ""  # for value / baseline, as bench/README.md states it

    @property
    def ratio(self) -> float:
        return self.value / self.baseline


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (32)")
    parser.add_argument("--requests", type=int, default=2000, help="requests per measure (2000)")
    add_json_option(parser)
    return parser.parse_args()


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")


def write_figures(
    path: Path | None, figures: Sequence[Figure], notes: Sequence[str] = (),
    tables: Sequence[dict[str, object]] = (),
) -> None:  # fmt: skip
    """The figures for `bench/run`, as JSON; `tables` are extra ones, each with a title,
    its columns and its rows, shown as they are."""
    if path is None:
        return
    rows = [asdict(figure) | {"ratio": figure.ratio} for figure in figures]
    record = {"figures": rows, "notes": list(notes), "tables": list(tables)}
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


@contextlib.contextmanager
def running_privet(
    folder: Path, command: list[str] | None = None, policy: Path = POLICY
) -> Iterator[tuple[str, int]]:
    """`privet serve` (or `command`, given the same arguments) in its own process, so the
    load generator does not share its CPU time."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = os.environ | {
        "PRIVET_FORM_RATE_LIMIT": "off",  # the bench is one address sending thousands
        "PRIVET_PUBLIC_RATE_LIMIT": "off",
        "PRIVET_SECRET_KEY_FILE": str(folder / "privet.key"),
        "PRIVET_OUTBOX_DIR": str(folder / "outbox"),
        "PRIVET_BASE_URL": url,
        "PRIVET_LOG_LEVEL": "warning",
    }
    command = (command or [sys.executable, "-m", "privet", "serve"]) + [
        "--host", "127.0.0.1", "--port", str(port), "--policy", str(policy),
        "--db", f"sqlite:///{folder / 'bench.db'}"]  # fmt: skip
    with (folder / "privet.log").open("w") as log:
        server = subprocess.Popen(command, env=environment, stdout=log, stderr=log)  # noqa: S603  # our own interpreter and arguments, no shell
        try:
            wait_until_ready(url, server)
            yield url, server.pid
        finally:
            server.terminate()
            try:
                server.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                server.kill()  # never left running, writing into a folder being removed
                server.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_ready(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"privet exited with status {server.returncode} before it was ready")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{url}/healthz").status_code == 200:
                return
        time.sleep(0.05)
    sys.exit(f"privet did not answer /healthz within {STARTUP_SECONDS} s")


async def health_request(client: httpx.AsyncClient, _number: int) -> httpx.Response:
    return await client.get("/healthz")


async def measure(
    name: str, url: str, pid: int, args: argparse.Namespace, request: Request
) -> Result:
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        await run_clients(client, request, args.clients, WARM_UP)
        client_before, server_before = time.process_time(), process_cpu(pid)
        started = time.perf_counter()
        latencies, failures = await run_clients(client, request, args.clients, args.requests)
        seconds = time.perf_counter() - started
        client_cpu = (time.process_time() - client_before) / seconds
        server_after = process_cpu(pid)
    server_cpu = None
    if server_before is not None and server_after is not None:
        server_cpu = (server_after - server_before) / seconds
    return Result(name, args.requests, seconds, latencies, failures, client_cpu, server_cpu)


async def run_clients(
    client: httpx.AsyncClient, request: Request, clients: int, total: int
) -> tuple[list[float], Counter[str]]:
    """`total` requests from `clients` workers, each sending its next as soon as one returns."""
    numbers = iter(range(total))
    latencies: list[float] = []
    failures: Counter[str] = Counter()

    async def worker() -> None:
        for number in numbers:  # shared: workers take the next number until none is left
            sent = time.perf_counter()
            try:
                response = await request(client, number)
                if not response.is_success:
                    failures[str(response.status_code)] += 1
            except httpx.TransportError as error:  # the connection dropped: a failure too
                failures[type(error).__name__] += 1
            latencies.append(time.perf_counter() - sent)

    await asyncio.gather(*(worker() for _ in range(clients)))
    return latencies, failures


def process_cpu(pid: int) -> float | None:
    """CPU seconds `pid` has used (Linux /proc), or None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # After the command name: utime and stime are fields 12 and 13 (0-based), in ticks.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_errors(log: Path) -> Counter[str]:
    """The exceptions privet logged (its log is JSON, one event a line), by their message."""
    errors: Counter[str] = Counter()
    for line in log.read_text().splitlines():
        event = None
        with contextlib.suppress(ValueError):
            event = json.loads(line)
        # privet logs each unhandled error once; uvicorn logs it again, so only privet's count.
        if isinstance(event, dict) and event.get("logger", "").startswith("privet."):
            lines = str(event.get("exception", "")).splitlines()
            # The message, not SQLAlchemy's trailers: "[SQL: …]" and "(Background on …)".
            messages = [text for text in lines if text and not text.startswith(("[", "(", " "))]
            if messages:
                errors[messages[-1]] += 1
    return errors
