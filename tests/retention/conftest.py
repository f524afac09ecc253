"""Records planted at chosen moments, so retention can be checked years later in a second."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from privet.analytics.models import Pageview
from privet.clients.service import NewContract, record_contract
from privet.consent.service import Decision, new_receipt, record_decision
from privet.intake.notices import Notices
from privet.intake.service import submit
from privet.policy.schema import Policy
from privet.store.open import Store

QUIET = Notices(base_url="http://privet.test", operator=None)
# Long enough before the test clock's NOW for every rule to have run out.
T0 = datetime(2015, 3, 10, 9, 0, tzinfo=UTC)


class Plant:
    """Puts records into the store as if they had been made at `at`."""

    def __init__(self, store: Store, policy: Policy) -> None:
        self.store, self.policy = store, policy

    def lead(self, email: str, at: datetime) -> None:
        fields = {"name": "Ann", "email": email, "message": "A quote, please"}
        with self.store.transaction() as session:
            submit(session, self.policy, "contact", fields, at, notices=QUIET)

    def contract(self, email: str, at: datetime, ends_on: date | None) -> None:
        new = NewContract(email, f"C-{uuid.uuid4().hex[:6]}", at.date(), ends_on)
        with self.store.transaction() as session:
            record_contract(session, self.policy, new, at)

    def receipt(self, at: datetime) -> uuid.UUID:
        """A visitor's grant of analytics; the receipt's id."""
        decision = Decision(uuid.uuid4(), self.policy.policy.version, "banner", ["analytics"],
                            [], False, "en")  # fmt: skip
        with self.store.transaction() as session:
            receipt = record_decision(session, self.policy, decision, at,
                                      privacy_url="http://x.test/p")  # fmt: skip
        return receipt.id

    def receipts(self, count: int, at: datetime) -> None:
        """Many receipts in one transaction, quicker than `receipt` one by one."""
        keyring = self.store.keyring
        with self.store.transaction() as session:
            for _ in range(count):
                decision = Decision(uuid.uuid4(), "1", "banner", ["analytics"], [], False, "en")
                session.add(new_receipt(self.policy, keyring, decision, at, country=None,
                                        privacy_url="http://x.test/p"))  # fmt: skip

    def pageview(self, at: datetime, consent_id: uuid.UUID | None = None) -> None:
        with self.store.transaction() as session:
            session.add(Pageview(viewed_at=at, path="/", visitor="v" * 64, country="CD",
                                 consent_id=consent_id))  # fmt: skip

    def count(self, model: type) -> int:
        with self.store.transaction() as session:
            return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def plant(store: Store, policy: Policy) -> Plant:
    return Plant(store, policy)
