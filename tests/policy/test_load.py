"""Loading policy.yaml: every mistake reported as FILE:LINE: CODE message, all at once."""

from pathlib import Path

import pytest

from privet.policy.load import PolicyError, load_policy, parse_policy
from privet.policy.schema import Policy

HERE = Path(__file__).parent
BROKEN = HERE / "broken"
EXAMPLES = sorted((HERE.parents[1] / "examples").glob("*/policy.yaml"))


def problems_in(path: Path) -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    return caught.value


def test_it_loads_the_minimal_policy() -> None:
    policy = load_policy(HERE / "minimal.yaml")
    assert isinstance(policy, Policy)
    assert policy.controller.email == "privacy@example.org"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.parent.name)
def test_it_loads_every_example(path: Path) -> None:
    assert isinstance(load_policy(path), Policy)


@pytest.mark.parametrize(
    ("name", "line", "code", "fragment"),
    [
        ("syntax_error", 8, "P000", "mapping values are not allowed"),
        ("unknown_key", 10, "P001", "unknown key 'websit' in controller (did you mean 'website'?)"),
        ("missing_key", 6, "P002", "missing key 'address' in controller"),
        ("wrong_type", 13, "P003", "strict: Input should be a valid boolean"),
        ("bad_duration", 26, "P004", "keep: bad duration '3 yeers'"),
        ("form_field_unknown_category", 28, "P005", "'leads' is not a declared data category"),
        ("retention_unknown_category", 25, "P005", "'contacts' is not a declared data category"),
        ("bad_country", 9, "P006", "'France' is not a country"),
        ("unsupported_language", 5, "P006", "languages[1]: privet has no texts in 'de'"),
        ("bad_email", 10, "P007", "'privacy(at)example.org' is not an email address"),
        ("consent_cookie_without_purpose", 24, "P008", "must name the purpose"),
        ("deadline_in_weeks", 29, "P009", "counted in days or months"),
        ("category_without_retention", 18, "P101", "'browsing' has no retention rule"),
        ("form_field_not_in_category", 29, "P102", "'phone' is not declared in data category"),
        ("consent_cookie_with_contract_purpose", 26, "P103", "has legal basis 'contract'"),
        ("processor_outside_strict_region", 38, "P104", "'mailer' is in US, outside"),
        ("processor_without_safeguard", 37, "P105", "declare the transfer's safeguard"),
        ("analytics_without_purpose", 31, "P106", "name the purpose it serves"),
        ("marketing_opt_in_without_marketing", 27, "P107", "has no marketing section"),
        ("form_without_required_email", 27, "P108", "needs a required email field"),
        ("consent_cookies_without_consent_section", 24, "P109", "has no consent section"),
        ("consent_cookie_not_lasting", 33, "P110", "declare cookie 'privet_consent'"),
        ("anonymise_keeping_nothing", 27, "P112", "anonymising would keep nothing"),
        ("processor_category_not_allowed", 46, "P113", "receives 'contact', which no purpose"),
        ("duplicate_key", 10, "P000", 'duplicate key "name"'),
        ("list_not_mapping", 1, "P000", "a policy is a YAML mapping"),
        ("empty", 1, "P000", "a policy is a YAML mapping"),
    ],
)
def test_it_reports_each_mistake_with_its_line_and_code(
    name: str, line: int, code: str, fragment: str
) -> None:
    path = BROKEN / f"{name}.yaml"
    error = problems_in(path)
    [reported] = str(error).splitlines()
    assert reported.startswith(f"{path}:{line}: {code} ")
    assert fragment in reported
    assert [(problem.line, problem.code) for problem in error.problems] == [(line, code)]


def test_it_reports_a_bad_duration_with_its_line() -> None:
    path = BROKEN / "bad_duration.yaml"
    assert str(problems_in(path)).startswith(f"{path}:26: P004 keep: bad duration '3 yeers': ")


def test_it_reports_every_mistake_in_the_file_at_once() -> None:
    error = problems_in(BROKEN / "several_mistakes.yaml")
    assert [(problem.line, problem.code) for problem in error.problems] == [
        (9, "P006"),  # country: France
        (10, "P007"),  # email: privacy(at)example.org
        (13, "P003"),  # strict: sometimes
        (27, "P004"),  # keep: 3 yeers
        (31, "P001"),  # contakt: beside contact
    ]
    assert len(str(error).splitlines()) == 5


def test_it_reports_every_broken_promise_at_once() -> None:
    error = problems_in(BROKEN / "several_check_problems.yaml")
    assert [(problem.line, problem.code) for problem in error.problems] == [
        (18, "P101"),
        (35, "P106"),
        (41, "P105"),
    ]


def test_it_reports_a_missing_file_on_line_one(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    assert str(problems_in(path)).startswith(f"{path}:1: P000 cannot read: ")


def test_it_reports_a_date_that_does_not_exist_with_its_line() -> None:
    [problem] = problems_in(BROKEN / "impossible_date.yaml").problems
    assert problem.line == 4
    assert problem.code in ("P000", "P003")


def test_it_reports_a_mistake_in_a_merged_mapping_on_the_merge_line() -> None:
    error = problems_in(BROKEN / "merged_mapping.yaml")
    assert [(problem.line, problem.code) for problem in error.problems] == [(7, "P006")]


def test_it_reports_a_control_character_as_a_syntax_error_with_its_line() -> None:
    text = (HERE / "minimal.yaml").read_text().replace("name: Example", "name: Ex\x07ample")
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, Path("p.yaml"))
    assert [(problem.line, problem.code) for problem in caught.value.problems] == [(7, "P000")]


def test_it_reports_absurdly_deep_nesting_as_a_syntax_error() -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy("privet: " + "[" * 1000 + "]" * 1000, Path("p.yaml"))
    assert [problem.code for problem in caught.value.problems] == ["P000"]


def test_it_gives_one_plain_message_for_a_value_that_fits_no_form(tmp_path: Path) -> None:
    text = (BROKEN.parent / "minimal.yaml").read_text()
    text += "cookies:\n  functional:\n    description: d\n    required: true\n"
    text += "    cookies:\n      - {name: s, lifetime: forever}\n"
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    [problem] = problems_in(path).problems
    assert problem.code == "P004"
    assert problem.message.startswith("lifetime: bad duration 'forever'")


@pytest.mark.parametrize("escape", ["\\ud800\\udc00", "\\ud800"])
def test_it_reports_a_surrogate_escape_as_a_bad_value(tmp_path: Path, escape: str) -> None:
    text = (BROKEN.parent / "minimal.yaml").read_text()
    path = tmp_path / "policy.yaml"
    path.write_text(text.replace("country: FR", f'country: "{escape}"'))
    [problem] = problems_in(path).problems
    assert problem.code == "P006"


@pytest.mark.parametrize("text", [":", "1: x\n", "null: 2\n"])
def test_it_reports_a_key_that_is_not_text_as_unknown(text: str) -> None:
    with pytest.raises(PolicyError) as raised:
        parse_policy(text, Path("p.yaml"))
    assert raised.value.problems[0].code == "P001"
