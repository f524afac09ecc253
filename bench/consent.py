"""How many consent decisions per second privet files, next to a bare endpoint of the same
stack, and how big the banner script is.

Not a test: nothing here asserts a time. Run `.venv/bin/python bench/consent.py`; see
bench/README.md for what the numbers mean.
"""

from __future__ import annotations

import asyncio
import gzip
import sys
import tempfile
import uuid
from pathlib import Path

import httpx2 as httpx
from load import (
    ROOT,
    Figure,
    Request,
    arguments,
    measure,
    running_privet,
    server_errors,
    write_figures,
)

CONSENTS = "/api/v1/consents"
SERVER = [sys.executable, str(ROOT / "bench" / "consent_server.py")]
SCRIPT_BUDGET = 8 * 1024


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    with tempfile.TemporaryDirectory(prefix="privet-bench-") as scratch:
        folder = Path(scratch)
        with running_privet(folder, SERVER) as (url, pid):
            print(f"privet at {url}, {args.clients} clients, {args.requests} requests each\n")
            version = httpx.get(f"{url}/healthz").json()["policy_version"]
            script = httpx.get(f"{url}/privet.js").content
            bare_request = decision_to("/bench/bare", version)
            bare = asyncio.run(measure("POST /bench/bare (baseline)", url, pid, args, bare_request))
            print(bare.line())
            filed = asyncio.run(
                measure(f"POST {CONSENTS}", url, pid, args, decision_to(CONSENTS, version))
            )
            print(filed.line())
        for error, times in server_errors(folder / "privet.log").most_common(3):
            print(f"{'':<34} server error, {times} times: {error}")
    packed = len(gzip.compress(script, compresslevel=9))
    print(f"\nconsents / bare endpoint: {filed.per_second / bare.per_second:.2f}")
    print(f"/privet.js: {len(script)} bytes, {packed} gzipped (budget {SCRIPT_BUDGET})")
    write_figures(args.json, [
        Figure(filed.name, filed.per_second, bare.name, bare.per_second, "/s", "0.5 or more"),
        Figure("/privet.js (NTOPROG), gzip -9", packed, "the budget", SCRIPT_BUDGET, "bytes",
               "1.0 or less"),
    ], [f"{args.clients} clients, {args.requests} requests each",
        f"/privet.js: {len(script):,} bytes before gzip"])  # fmt: skip


def decision_to(path: str, version: str) -> Request:
    async def request(client: httpx.AsyncClient, number: int) -> httpx.Response:
        # A new visitor each time: one in three accepts analytics, the others refuse all.
        accepts = number % 3 == 0
        body = {
            "visitor_id": str(uuid.uuid4()),
            "policy_version": version,
            "method": "banner",
            "granted": ["analytics"] if accepts else [],
            "denied": ["marketing"] if accepts else ["analytics", "marketing"],
        }
        return await client.post(path, json=body)

    return request


if __name__ == "__main__":
    main()
