"""`bench/run`: every benchmark in its own process, then bench/RESULTS.md from their figures.

Each bench writes its figures as JSON (`--json`) and prints as it always did; the printed
output goes into RESULTS.md too. The full run must finish in 15 minutes on the 2-core
development machine, so the three benches that build large stores run at smaller sizes than
their own defaults, still comparing two sizes ten times apart.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import machine
import results

HERE = Path(__file__).resolve().parent
QUICK_OUTPUT = HERE / ".cache" / "RESULTS-quick.md"  # a smoke run never replaces the real one


@dataclass(frozen=True)
class Bench:
    script: str
    title: str
    full: tuple[str, ...]  # arguments of the full run
    quick: tuple[str, ...]  # of the smoke run: seconds, to check that it works


BENCHES = [
    Bench("intake.py", "Form submissions per second", (), ("--requests", "300")),
    Bench("consent.py", "Consent decisions per second, and the script's size", (),
          ("--requests", "300")),
    Bench("analytics_collect.py", "Page views collected per second", (), ("--requests", "300")),
    Bench("consent_managers.py", "privet next to the consent managers sites use", (),
          ("--quick",)),
    Bench("subject_requests.py", "One person's export and erasure, as the store grows",
          ("--records", "300000"), ("--records", "10000", "--subjects", "1000", "--repeat", "5")),
    Bench("retention.py", "The retention sweep, against a raw DELETE",
          ("--receipts", "300000"), ("--receipts", "10000")),
    Bench("analytics_dashboard.py", "The dashboard's month, over ten times as many views",
          ("--views", "1500000"), ("--views", "100000")),
]  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    bench: Bench
    command: str  # as a developer would type it
    seconds: float
    status: int
    output: str
    record: dict[str, Any] | None  # what the bench wrote with --json; None if it failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    smoke = f"a smoke run, in about three minutes, written to {QUICK_OUTPUT.name}"
    parser.add_argument("--quick", action="store_true", help=smoke)
    args = parser.parse_args()
    output = QUICK_OUTPUT if args.quick else HERE / "RESULTS.md"
    started, began = datetime.now(UTC), time.monotonic()
    described = machine.describe()
    outcomes = [run(bench, args.quick) for bench in BENCHES]
    seconds = time.monotonic() - began
    output.parent.mkdir(exist_ok=True)
    page = results.render(outcomes, described, started, seconds, quick=args.quick)
    output.write_text(page, encoding="utf-8")
    failed = [outcome.bench.script for outcome in outcomes if outcome.record is None]
    print(f"\nwrote {output} after {results.duration(seconds)}", file=sys.stderr)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


def run(bench: Bench, quick: bool) -> Outcome:
    """The bench in its own process, its output shown as it comes and kept."""
    arguments = bench.quick if quick else bench.full
    command = [sys.executable, str(HERE / bench.script), *arguments]
    typed = " ".join([f"bench/{bench.script}", *arguments])
    print(f"\n== {typed}", flush=True)
    environment = os.environ | {"PYTHONUNBUFFERED": "1"}  # lines as they come, not at exit
    with tempfile.TemporaryDirectory(prefix="privet-bench-") as scratch:
        figures = Path(scratch) / "figures.json"
        began = time.monotonic()
        with subprocess.Popen(  # noqa: S603  # our own interpreter and scripts, no shell
            [*command, "--json", str(figures)], stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, env=environment,
        ) as process:  # fmt: skip
            assert process.stdout is not None  # asked for with PIPE
            lines = []
            for line in process.stdout:
                print(line, end="", flush=True)
                lines.append(line)
        seconds = time.monotonic() - began
        ok = process.returncode == 0 and figures.exists()
        record = json.loads(figures.read_text(encoding="utf-8")) if ok else None
    return Outcome(bench, typed, seconds, process.returncode, "".join(lines), record)


if __name__ == "__main__":
    main()
