"""What the benchmarks ran on, for bench/RESULTS.md: a figure means little without it."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import sys
from pathlib import Path

from first_paint import CHROMIUM
from load import ROOT


def describe() -> dict[str, str]:
    """Name: value, in the order RESULTS.md shows them."""
    return {
        "commit": commit(),
        "CPU": f"{cpu_model()}, {os.cpu_count()} cores",
        "memory": f"{memory_gib():.1f} GiB",
        "OS": f"{os_name()}, Linux {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": postgres_version(),
        "Chromium": first_line([str(CHROMIUM), "--version"]),
        "Node.js (npm pack)": first_line(["node", "--version"]),
        "load average at the start": " ".join(f"{load:.2f}" for load in os.getloadavg()),
    }


def commit() -> str:
    """HEAD, and whether the tree differed from it (read-only git commands only)."""
    head = first_line(["git", "-C", str(ROOT), "rev-parse", "HEAD"])
    # Compares file stats with the index without refreshing it: a touched file counts too.
    command = ["git", "-C", str(ROOT), "diff-index", "--quiet", "HEAD", "--"]
    changed = subprocess.run(command, capture_output=True, check=False).returncode  # noqa: S603  # a fixed command, no shell
    return f"{head}, with uncommitted changes" if changed else head


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def os_name() -> str:
    for line in Path("/etc/os-release").read_text().splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip('"')
    return platform.system()


def postgres_version() -> str:
    """The server the PostgreSQL benches start, the test suite's, from Debian's binaries."""
    sys.path.append(str(ROOT / "tests"))
    from postgres_server import find_bindir

    bindir = find_bindir()
    if bindir is None:
        return "not installed: PostgreSQL figures skipped"
    return first_line([str(bindir / "postgres"), "--version"]) + " (fsync off)"


def first_line(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603  # fixed commands, no shell
    except (OSError, subprocess.CalledProcessError):
        return "not found"
    return done.stdout.strip().splitlines()[0]
