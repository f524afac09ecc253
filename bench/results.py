"""bench/RESULTS.md from the figures of one `bench/run`: the machine, then a table a bench."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runner import Outcome

FORMATS = {"/s": "{:,.0f}/s", "ms": "{:,.2f} ms", "MB": "{:,.0f} MB", "bytes": "{:,.0f} bytes"}


def render(
    outcomes: Sequence[Outcome], machine: dict[str, str], started: datetime, seconds: float,
    *, quick: bool,
) -> str:  # fmt: skip
    kind = "a smoke run (`--quick`): small sizes, not for comparison" if quick else "a full run"
    lines = [
        "# Benchmark results",
        "",
        f"Written by `bench/run`, {kind}, started {started:%Y-%m-%d %H:%M} UTC;",
        f"it took **{duration(seconds)}** in all. Each ratio is value / baseline, both measured",
        "in this run on this machine: compare ratios between runs on the same machine only.",
        "[README.md](README.md) says what each figure measures and where its target comes from.",
        "",
        "## Machine",
        "",
        *table(["", ""], [[name, value] for name, value in machine.items()]),
    ]
    for outcome in outcomes:
        lines += ["", *section(outcome)]
    return "\n".join(lines) + "\n"


def section(outcome: Outcome) -> list[str]:
    lines = [f"## {outcome.bench.title}", "", f"`{outcome.command}`: {duration(outcome.seconds)}."]
    if outcome.record is None:
        lines[-1] += f" **Failed** (exit status {outcome.status}): see its output."
    else:
        lines += ["", *figures(outcome.record["figures"])]
        for extra in outcome.record["tables"]:
            lines += ["", f"{extra['title']}:", "", *table(extra["columns"], extra["rows"])]
        if outcome.record["notes"]:
            lines += ["", *(f"- {note}" for note in outcome.record["notes"])]
    fence = "```"
    output = outcome.output.rstrip()
    return [*lines, "", "<details><summary>Output</summary>", "", fence, output, fence,
            "", "</details>"]  # fmt: skip


def figures(rows: list[dict[str, Any]]) -> list[str]:
    cells = [
        [row["name"], value(row["value"], row["unit"]),
         f"{row['baseline_name']}: {value(row['baseline'], row['unit'])}",
         f"{row['ratio']:.2f}", row["target"]]
        for row in rows
    ]  # fmt: skip
    return table(["figure", "value", "baseline", "ratio", "target"], cells)


def table(columns: list[str], rows: list[list[Any]]) -> list[str]:
    def cells(values: list[Any]) -> str:
        shown = [f"{v:,}" if isinstance(v, int) else escaped(str(v)) for v in values]
        return "| " + " | ".join(shown) + " |"

    return [cells(columns), "|" + "---|" * len(columns), *(cells(row) for row in rows)]


def escaped(text: str) -> str:
    """Markdown would read `count(*) … count(*)` as emphasis, and `|` as a new cell."""
    return text.replace("*", "\\*").replace("|", "\\|")


def value(number: float, unit: str) -> str:
    return FORMATS.get(unit, "{:,.2f} " + unit).format(number)


def duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"
