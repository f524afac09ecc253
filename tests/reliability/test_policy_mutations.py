"""The three real policies, damaged as people and disks damage files (lines deleted,
duplicated, re-indented or replaced, values swapped between keys, stray characters, a
file cut short mid-character), load into a Policy or fail with clean `FILE:LINE: Pnnn`
problems: never a traceback, from the loader or from `privet check`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import privet.policy
from privet.cli import app
from privet.policy.load import PolicyError, load_policy
from privet.policy.schema import Policy

TEMPLATES = Path(privet.policy.__file__).parent / "templates"
NAMES = sorted(folder.name for folder in TEMPLATES.iterdir() if folder.is_dir())
PROBLEM_LINE = re.compile(r"^[^:]+:[0-9]+: P[0-9]{3} \S")
KEY_VALUE = re.compile(r"^(\s*-?\s*[\w-]+:)\s*(\S.*)$")
yamlish = st.text(alphabet=st.sampled_from(list("ab1:-?[]{},#&*!|>'\"%@` \t")) | st.characters())


@st.composite
def mutated_lines(draw: st.DrawFn, lines: list[str]) -> list[str]:
    """One edit a person might make, or botch, on one line."""
    lines, at = list(lines), draw(st.integers(0, len(lines) - 1))
    match draw(st.sampled_from(["delete", "duplicate", "indent", "replace", "swap", "insert"])):
        case "delete":
            del lines[at]
        case "duplicate":
            lines.insert(at, lines[at])
        case "indent":
            indent = draw(st.sampled_from([" ", "\t"])) * draw(st.integers(0, 9))
            lines[at] = indent + lines[at].lstrip(" ")
        case "replace":
            lines[at] = draw(yamlish)
        case "swap":
            return _swap_values(lines, at, draw(st.integers(0, len(lines) - 1)))
        case "insert":
            column = draw(st.integers(0, len(lines[at])))
            stray = draw(st.text(min_size=1, max_size=4))
            lines[at] = lines[at][:column] + stray + lines[at][column:]
    return lines


def _swap_values(lines: list[str], one: int, other: int) -> list[str]:
    first, second = KEY_VALUE.match(lines[one]), KEY_VALUE.match(lines[other])
    if first and second:
        lines[one] = f"{first[1]} {second[2]}"
        lines[other] = f"{second[1]} {first[2]}"
    return lines


@st.composite
def damaged_files(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(NAMES))
    lines = (TEMPLATES / name / "policy.yaml").read_text(encoding="utf-8").splitlines()
    for _ in range(draw(st.integers(1, 3))):
        lines = draw(mutated_lines(lines))
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):  # a write cut short; half the time inside a character
        inside = [at for at, byte in enumerate(data) if byte >= 0x80]
        anywhere = st.integers(0, len(data))
        data = data[: draw(st.sampled_from(inside) if inside and draw(st.booleans()) else anywhere)]
    return name, data


def assert_clean(error: PolicyError, path: Path, text: str) -> None:
    """Each problem on one line of its own, at a line of the file, with a stable code."""
    assert error.problems
    lines = str(error).split("\n")
    assert len(lines) == len(error.problems)
    for line, problem in zip(lines, error.problems, strict=True):
        assert PROBLEM_LINE.match(line), line
        assert line.startswith(f"{path}:{problem.line}: ")
        # YAML also ends lines at U+2028 and the like, so count as it does.
        assert 1 <= problem.line <= len(text.splitlines()) + 1, problem


@settings(
    max_examples=80, deadline=None, database=None,
    # tmp_path is the same for every example: each writes the whole file anew.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)  # fmt: skip
@given(damaged=damaged_files())
@example(damaged=("cut inside a character", "controller: Пётр".encode()[:-1]))
@example(damaged=("a key holding a line break", b'"contr\\noller": 1\n'))
def test_it_loads_a_damaged_policy_or_says_where_it_is_wrong(
    damaged: tuple[str, bytes], tmp_path: Path
) -> None:
    _, data = damaged
    path = tmp_path / "policy.yaml"
    path.write_bytes(data)
    try:
        assert isinstance(load_policy(path), Policy)
    except PolicyError as error:
        assert_clean(error, path, data.decode("utf-8", "replace"))


# Damage that `privet check` must report, one kind per template.
CUTS = {
    "nt-progress": lambda data: data[: data.index("—".encode()) + 1],  # inside a character
    "ntoprog": lambda data: data[: len(data) * 2 // 3],  # sections missing
    "ntropic": lambda data: data.replace(b"\n  ", b"\n   ", 3),  # indented out of place
}


@pytest.mark.parametrize("name", NAMES)
def test_privet_check_reports_damage_as_file_line_code(name: str, tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_bytes(CUTS[name]((TEMPLATES / name / "policy.yaml").read_bytes()))
    checked = CliRunner().invoke(app, ["check", "--policy", str(path)])
    assert checked.exit_code == 1
    assert isinstance(checked.exception, SystemExit), checked.exception  # not a crash
    assert "Traceback" not in checked.output
    lines = checked.stderr.splitlines()
    assert lines and not checked.stdout
    for line in lines:
        assert PROBLEM_LINE.match(line) and line.startswith(f"{path}:"), line
