"""Whatever text it is given, loading ends in a Policy or in problems with a line and a code."""

import json
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privet.policy.load import PolicyError, parse_policy
from privet.policy.schema import Policy

MINIMAL = (Path(__file__).parent / "minimal.yaml").read_text().splitlines()
CODE = re.compile(r"^P\d{3}$")

scalars = st.one_of(
    st.text(max_size=20),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
values = st.one_of(scalars, st.lists(scalars, max_size=3)).map(json.dumps)
bare_words = st.text(alphabet="abcdefghij-_:#[]{}&*!|>'\" 0123456789.", min_size=1, max_size=15)
keys = st.from_regex(r"[a-z_]{1,12}", fullmatch=True)


@st.composite
def mutated_lines(draw: st.DrawFn, lines: list[str]) -> list[str]:
    lines = list(lines)
    at = draw(st.integers(0, len(lines) - 1))
    key, _, _ = lines[at].partition(":")
    match draw(st.sampled_from(["delete", "duplicate", "indent", "value", "insert"])):
        case "delete":
            del lines[at]
        case "duplicate":
            lines.insert(at, lines[at])
        case "indent":
            lines[at] = " " * draw(st.integers(0, 8)) + lines[at].lstrip()
        case "value":
            lines[at] = f"{key}: {draw(st.one_of(values, bare_words))}"
        case "insert":
            indent = " " * draw(st.sampled_from([0, 2, 4, 6]))
            lines.insert(at, f"{indent}{draw(keys)}: {draw(values)}")
    return lines


@st.composite
def mutated_policies(draw: st.DrawFn) -> str:
    lines = MINIMAL
    for _ in range(draw(st.integers(1, 3))):
        lines = draw(mutated_lines(lines))
    return "\n".join(lines) + "\n"


yamlish = st.text(alphabet=st.sampled_from(list("ab1:-?[]{},#&*!|>'\"%@` \n\t")) | st.characters())


@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(text=st.one_of(mutated_policies(), yamlish))
def test_it_reports_any_mistake_as_problems_with_a_line_and_a_code(text: str) -> None:
    try:
        assert isinstance(parse_policy(text, Path("p.yaml")), Policy)
    except PolicyError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.line >= 1
            assert CODE.match(problem.code), problem
