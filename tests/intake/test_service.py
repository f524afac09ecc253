from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from conftest import NOW
from privet.intake.models import Submission
from privet.intake.notices import Notices
from privet.intake.service import SubmissionInvalid, UnknownForm, submit
from privet.policy.schema import Policy
from privet.store.open import Store
from privet.subjects.models import Subject
from privet.subjects.service import stored_about

QUIET = Notices(base_url="http://privet.test", operator=None)
CONTACT = {"name": "Ann", "email": "Ann@example.org", "message": "A quote, please"}


def test_a_submission_creates_its_subject_and_records_the_promise(
    store: Store, policy: Policy
) -> None:
    with store.transaction() as session:
        submit(session, policy, "contact", CONTACT | {"phone": "0810000000"}, NOW, notices=QUIET)
    with store.transaction() as session:
        subject = session.scalars(select(Subject)).one()
        stored = session.scalars(select(Submission)).one()
    assert subject.last_contact_at == NOW
    assert (stored.purpose, stored.legal_basis) == ("quotes_and_orders", "contract")
    assert stored.policy_version == policy.policy.version and stored.categories == "contact"
    assert json.loads(stored.fields)["phone"] == "+243810000000"


def test_a_second_submission_reuses_the_subject_and_moves_last_contact(
    store: Store, policy: Policy
) -> None:
    later = NOW + timedelta(days=30)
    with store.transaction() as session:
        submit(session, policy, "contact", CONTACT, NOW, notices=QUIET)
        submit(session, policy, "quote", CONTACT | {"company": "Example"}, later, notices=QUIET)
    with store.transaction() as session:
        subject = session.scalars(select(Subject)).one()
        assert subject.last_contact_at == later
        assert len(stored_about(session, subject)["submissions"]) == 2


def test_an_invalid_submission_stores_nothing(store: Store, policy: Policy) -> None:
    with store.transaction() as session, pytest.raises(SubmissionInvalid) as raised:
        submit(
            session,
            policy,
            "contact",
            {"email": "ann@example.org", "age": "40"},
            NOW,
            notices=QUIET,
        )
    assert set(raised.value.problems) == {"age", "name", "message"}
    with store.transaction() as session:
        assert session.scalars(select(Subject)).first() is None


def test_an_undeclared_form_is_refused(store: Store, policy: Policy) -> None:
    with store.transaction() as session, pytest.raises(UnknownForm):
        submit(session, policy, "newsletter", CONTACT, NOW, notices=QUIET)
