"""How many page views per second privet collects, next to a bare endpoint of the same
stack, at 32 concurrent clients.

Cookieless mode (Ntropic's policy): each view is checked, its user agent reduced, its IP
looked up and dropped, its visitor hashed with the day's salt, and the row committed
(group commit) before the answer. Not a test: nothing here asserts a time. Run
`.venv/bin/python bench/analytics_collect.py`; see bench/README.md.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
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

COLLECT = "/api/v1/collect"
SERVER = [sys.executable, str(ROOT / "bench" / "consent_server.py")]  # adds /bench/bare
NTROPIC = ROOT / "examples" / "ntropic" / "policy.yaml"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"
PAGES = ("/", "/pricing", "/about", "/blog/privacy-by-design", "/contact")


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    with tempfile.TemporaryDirectory(prefix="privet-bench-") as scratch:
        folder = Path(scratch)
        with running_privet(folder, SERVER, policy=NTROPIC) as (url, pid):
            print(f"privet at {url}, {args.clients} clients, {args.requests} requests each\n")
            bare = asyncio.run(measure("POST /bench/bare (baseline)", url, pid, args,
                                       view_to("/bench/bare")))  # fmt: skip
            print(bare.line())
            collected = asyncio.run(measure(f"POST {COLLECT}", url, pid, args, view_to(COLLECT)))
            print(collected.line())
        for error, times in server_errors(folder / "privet.log").most_common(3):
            print(f"{'':<34} server error, {times} times: {error}")
    print(f"\ncollect / bare endpoint: {collected.per_second / bare.per_second:.2f}")
    write_figures(args.json, [
        Figure(collected.name, collected.per_second, bare.name, bare.per_second, "/s",
               "0.5 or more"),
    ], [f"{args.clients} clients, {args.requests} requests each; Ntropic's policy"])  # fmt: skip


def view_to(path: str) -> Request:
    async def request(client: httpx.AsyncClient, number: int) -> httpx.Response:
        body = {"event": "pageview", "path": PAGES[number % len(PAGES)], "width": 1280,
                "referrer": "https://search.example/"}  # fmt: skip
        # A different browser each time, as far as the hash can tell (its version).
        headers = {"user-agent": f"{BROWSER}.{number}", "origin": "https://ntropic.example"}
        return await client.post(path, json=body, headers=headers)

    return request


if __name__ == "__main__":
    main()
