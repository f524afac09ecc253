"""Legal holds: placed for an allowed reason, honoured by erasure, lifted on the record."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import NOW, ROOT
from privet.backup.ledger import ErasureLedger
from privet.intake.models import Submission
from privet.policy.load import load_policy
from privet.policy.schema import Policy
from privet.retention.holds import HoldError, Target, lift_hold, list_holds, place_hold
from privet.rights.erase import erase_subject
from privet.store.open import Store
from privet.subjects.service import find_subject
from retention.conftest import Plant

NTROPIC = load_policy(ROOT / "examples" / "ntropic" / "policy.yaml")


@pytest.mark.parametrize(
    ("target", "reason", "field"),
    [
        (Target(email="nobody@example.org"), "complaint", "email"),
        (Target(category="no_such"), "complaint", "category"),
        (Target(category="inquiry"), "boredom", "reason"),
        (Target(email="a@example.org", category="inquiry"), "complaint", "target"),
    ],
)
def test_a_hold_that_cannot_be_placed_names_the_field_at_fault(
    store: Store, target: Target, reason: str, field: str
) -> None:
    with store.transaction() as session, pytest.raises(HoldError) as refused:
        place_hold(session, NTROPIC, target, reason=reason, now=NOW, staff_id=None)
    assert refused.value.field == field


def test_erasing_a_held_person_keeps_everything_and_restricts_them(
    store: Store, policy: Policy, plant: Plant, tmp_path: Path
) -> None:
    plant.lead("held@example.org", NOW)
    with store.transaction() as session:
        place_hold(session, policy, Target(email="held@example.org"), reason="complaint",
                   now=NOW, staff_id=None)  # fmt: skip
        erased = erase_subject(session, policy, "held@example.org", language="en", now=NOW,
                               ledger=ErasureLedger(tmp_path / "erasures"))  # fmt: skip
    assert erased.deleted == {}
    assert [(k.record, k.reason) for k in erased.kept] == [("everything", "legal hold: complaint")]
    with store.transaction() as session:
        subject = find_subject(session, "held@example.org")
        assert subject is not None and subject.restricted_at == NOW
    assert plant.count(Submission) == 1


def test_erasure_leaves_a_held_category_and_takes_the_rest(
    store: Store, policy: Policy, plant: Plant, tmp_path: Path
) -> None:
    plant.lead("ann@example.org", NOW)
    plant.contract("ann@example.org", NOW, ends_on=None)
    with store.transaction() as session:
        place_hold(session, policy, Target(category="contact"), reason="litigation", now=NOW,
                   staff_id=None)  # fmt: skip
        erased = erase_subject(session, policy, "ann@example.org", language="en", now=NOW,
                               ledger=ErasureLedger(tmp_path / "erasures"))  # fmt: skip
    assert ("submissions", "legal hold") in [(k.record, k.reason) for k in erased.kept]
    assert plant.count(Submission) == 1


def test_lifting_a_hold_keeps_who_lifted_it(store: Store, policy: Policy, plant: Plant) -> None:
    plant.lead("ann@example.org", NOW)
    with store.transaction() as session:
        hold = place_hold(session, policy, Target(email="ann@example.org"), reason="complaint",
                          now=NOW, staff_id=None, note="case 12")  # fmt: skip
        lift_hold(session, hold.id, now=NOW, staff_id=None)
    with store.transaction() as session:
        assert list_holds(session) == []
        (lifted,) = list_holds(session, include_lifted=True)
        assert (lifted.lifted_at, lifted.note) == (NOW, "case 12")
        assert session.scalars(select(Submission)).one() is not None
