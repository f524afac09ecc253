"""Policies for the clients tests: the examples, and variations on where contracts are kept."""

from __future__ import annotations

import pytest

from conftest import ROOT
from privet.policy.durations import Duration
from privet.policy.load import load_policy
from privet.policy.schema import Policy, RetentionRule

NTROPIC = ROOT / "examples" / "ntropic" / "policy.yaml"
MINIMAL = ROOT / "tests" / "policy" / "minimal.yaml"


@pytest.fixture
def ntropic() -> Policy:
    return load_policy(NTROPIC)


@pytest.fixture
def no_contracts() -> Policy:
    """A valid policy that declares no contract data at all."""
    return load_policy(MINIMAL)


@pytest.fixture
def two_kinds(policy: Policy) -> Policy:
    """NTOPROG's policy with leads also kept from a contract's end: two categories."""
    extra = RetentionRule(category="contact", keep=Duration.parse("5 years"), after="contract_end")
    return policy.model_copy(update={"retention": policy.retention | {"contact_after": extra}})
