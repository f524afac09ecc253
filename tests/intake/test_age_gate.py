"""A minimum age in the policy asks every form for an age confirmation, unless a form
says it needs none; without one, only forms that ask for it do."""

from __future__ import annotations

import pytest

from privet.intake.choices import AGE_FIELD, take_choices
from privet.policy.schema import Children, Policy

CONTACT = {"name": "Ann", "email": "ann@example.org", "message": "A quote, please"}


def _problems(policy: Policy, age_gate: bool | None, values: dict[str, object]) -> dict[str, str]:
    form = policy.forms["contact"].model_copy(update={"age_gate": age_gate})
    return take_choices(policy, form, dict(values))[1]


@pytest.fixture
def with_children(policy: Policy) -> Policy:
    return policy.model_copy(update={"children": Children(minimum_age=13)})


def test_a_minimum_age_asks_forms_that_say_nothing(with_children: Policy) -> None:
    problems = _problems(with_children, None, CONTACT)
    assert problems == {AGE_FIELD: "confirm that you are at least 13 years old"}
    assert _problems(with_children, None, CONTACT | {AGE_FIELD: "on"}) == {}


def test_a_form_may_say_it_needs_no_age_confirmation(with_children: Policy) -> None:
    assert _problems(with_children, False, CONTACT) == {}


def test_without_a_minimum_age_only_forms_that_ask_do(policy: Policy) -> None:
    assert policy.children is None
    assert _problems(policy, None, CONTACT) == {}
    assert AGE_FIELD in _problems(policy, True, CONTACT)
