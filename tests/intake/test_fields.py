from __future__ import annotations

import pytest

from privet.intake.fields import FieldSpec, clean_values

SPECS = {
    "name": FieldSpec("name", "text", True, "contact", 200),
    "email": FieldSpec("email", "email", True, "contact", 320),
    "phone": FieldSpec("phone", "phone", False, "contact", 32),
    "message": FieldSpec("message", "long_text", True, "contact", 20),
}
GOOD = {"name": "Ann", "email": "ann@example.org", "message": "Hello"}


def test_it_keeps_clean_values_and_reports_nothing() -> None:
    cleaned, problems = clean_values(SPECS, GOOD, "CD")
    assert problems == {}
    assert cleaned == GOOD


def test_it_rejects_a_field_the_form_does_not_declare() -> None:
    _, problems = clean_values(SPECS, GOOD | {"birthday": "2000-01-01"}, "CD")
    assert problems == {"birthday": "not a field of this form: only declared data is collected"}


def test_it_names_each_missing_required_field() -> None:
    _, problems = clean_values(SPECS, {"email": "ann@example.org", "name": "  "}, "CD")
    assert problems == {"name": "required", "message": "required"}


@pytest.mark.parametrize(
    ("given", "stored"),
    [("0810000000", "+243810000000"), ("+7 (499) 682-60-69", "+74996826069")],
)
def test_it_stores_phone_numbers_in_e164(given: str, stored: str) -> None:
    cleaned, problems = clean_values(SPECS, GOOD | {"phone": given}, "CD")
    assert problems == {} and cleaned["phone"] == stored


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("email", "ann@", "not a valid email address"),
        ("phone", "12", "not a valid phone number"),
        ("message", "x" * 21, "at most 20 characters"),
        ("name", ["a", "b"], "must be a single value"),
    ],
)
def test_it_explains_each_bad_value(field: str, value: object, problem: str) -> None:
    _, problems = clean_values(SPECS, GOOD | {field: value}, "CD")
    assert problems[field].startswith(problem)
