"""How many form submissions per second privet takes, next to a bare endpoint and raw SQLite.

Not a test: nothing here asserts a time. Run `.venv/bin/python bench/intake.py`; see
bench/README.md for what the numbers mean.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path

import httpx2 as httpx
from load import (
    Figure,
    arguments,
    health_request,
    measure,
    running_privet,
    server_errors,
    write_figures,
)

FORM_URL = "/api/v1/forms/contact/submissions"


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    with tempfile.TemporaryDirectory(prefix="privet-bench-") as scratch:
        folder = Path(scratch)
        with running_privet(folder) as (url, pid):
            print(f"privet at {url}, {args.clients} clients, {args.requests} requests each\n")
            health = asyncio.run(measure("GET /healthz (baseline)", url, pid, args, health_request))
            print(health.line())
            forms = asyncio.run(measure(f"POST {FORM_URL}", url, pid, args, form_request))
            print(forms.line())
        for error, times in server_errors(folder / "privet.log").most_common(3):
            print(f"{'':<34} server error, {times} times: {error}")
        raw = raw_inserts(folder / "scratch.db", args.requests)
    print(f"{'raw SQLite INSERT, one per commit':<34} {raw:8.0f}/s  (1 writer, same pragmas)")
    print(f"\nsubmissions / baseline: {forms.per_second / health.per_second:.2f}")
    print(f"submissions / raw INSERT: {forms.per_second / raw:.2f}")
    write_figures(args.json, [
        Figure(forms.name, forms.per_second, health.name, health.per_second, "/s"),
        Figure(forms.name, forms.per_second, "raw SQLite INSERT, one per commit", raw, "/s"),
    ], [f"{args.clients} clients, {args.requests} requests each"])  # fmt: skip


async def form_request(client: httpx.AsyncClient, number: int) -> httpx.Response:
    # A new person each time: each submission also creates its subject, as most do.
    body = {
        "name": f"Visitor {number}",
        "email": f"visitor-{uuid.uuid4().hex[:12]}@example.org",
        "message": "A quote for a small website, please.",
    }
    return await client.post(FORM_URL, json=body)


def raw_inserts(path: Path, count: int) -> float:
    """INSERTs per second into a scratch table, each its own commit, as durable as privet's."""
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        connection.execute(f"PRAGMA {pragma}")
    connection.execute("CREATE TABLE scratch (id TEXT PRIMARY KEY, fields BLOB, at TEXT)")
    payload = os.urandom(200)  # about the size of a sealed contact form
    started = time.perf_counter()
    for _ in range(count):
        connection.execute(
            "INSERT INTO scratch VALUES (?, ?, datetime('now'))", (uuid.uuid4().hex, payload)
        )
    seconds = time.perf_counter() - started
    connection.close()
    return count / seconds


if __name__ == "__main__":
    main()
