"""Ntropic's policy: the example with a marketing opt-in, double opt-in and an abuse purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from privet.backup.ledger import ErasureLedger
from privet.intake.notices import Notices
from privet.policy.load import load_policy
from privet.policy.schema import Policy

NTROPIC = ROOT / "examples" / "ntropic" / "policy.yaml"
NOTICES = Notices(base_url="https://privacy.example.org", operator=None)
INQUIRY = {"name": "Ann", "email": "ann@example.org", "inquiry": "A website, please",
           "privet_age_confirmed": "yes"}  # fmt: skip


@pytest.fixture
def ntropic() -> Policy:
    return load_policy(NTROPIC)


@pytest.fixture
def single_opt_in(ntropic: Policy) -> Policy:
    """Ntropic's policy as it would read with `double_opt_in: false`."""
    assert ntropic.marketing is not None
    marketing = ntropic.marketing.model_copy(update={"double_opt_in": False})
    return ntropic.model_copy(update={"marketing": marketing})


@pytest.fixture
def erasing(single_opt_in: Policy) -> Policy:
    """Ntropic's policy as it would read with `opt_out_scope: everything` (and single opt-in)."""
    assert single_opt_in.marketing is not None
    marketing = single_opt_in.marketing.model_copy(update={"opt_out_scope": "everything"})
    return single_opt_in.model_copy(update={"marketing": marketing})


@pytest.fixture
def ledger(tmp_path: Path) -> ErasureLedger:
    return ErasureLedger(tmp_path / "privet.erasures")
