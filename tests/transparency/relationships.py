"""People with a relationship to the company, made through the capabilities' own services."""

from __future__ import annotations

from datetime import date

from conftest import NOW, ROOT
from privet.clients.service import NewContract, record_contract
from privet.intake.notices import Notices
from privet.intake.service import submit
from privet.marketing.service import record_opt_in
from privet.policy.load import load_policy
from privet.policy.schema import Policy
from privet.rights.service import staff_request
from privet.store.open import Store
from privet.subjects.service import get_or_create_subject

# NTOPROG's policy has no marketing section: opt-ins are recorded under Ntropic's, which has.
NTROPIC = load_policy(ROOT / "examples" / "ntropic" / "policy.yaml")
assert NTROPIC.marketing is not None
SINGLE_OPT_IN = NTROPIC.model_copy(
    update={"marketing": NTROPIC.marketing.model_copy(update={"double_opt_in": False})}
)


def client(store: Store, policy: Policy, email: str, ends_on: date | None = None) -> None:
    with store.transaction() as session:
        contract = NewContract(email, f"REF-{email[:3]}", date(2026, 1, 5), ends_on)
        record_contract(session, policy, contract, NOW)


def subscriber(store: Store, email: str, language: str, policy: Policy = SINGLE_OPT_IN) -> None:
    with store.transaction() as session:
        subject = get_or_create_subject(session, email, NOW)
        record_opt_in(session, policy, subject, form=None, language=language, method="api",
                      now=NOW)  # fmt: skip


def requester(
    store: Store, policy: Policy, email: str, language: str, status: str = "open"
) -> None:
    with store.transaction() as session:
        request = staff_request(session, policy, "access", email, language=language, now=NOW)
        request.status = status


def lead(store: Store, policy: Policy, email: str) -> None:
    """Someone who only wrote through the contact form: no relationship."""
    with store.transaction() as session:
        values = {"name": "Lee", "email": email, "message": "Hello"}
        notices = Notices(base_url="https://privacy.example.org", operator=None)
        submit(session, policy, "contact", values, NOW, notices=notices)
