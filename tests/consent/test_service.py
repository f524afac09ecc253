"""Consent decisions on both databases: what is filed, what counts, what is refused."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

from privet.clock import FixedClock
from privet.consent import service
from privet.consent.models import ConsentReceipt
from privet.policy.schema import Policy
from privet.store.open import Store

PRIVACY = "https://privet.example.org/privacy"
VISITOR = uuid.UUID("6f9619ff-8b86-4d11-b42d-00c04fc964ff")


def decision(policy: Policy, **changes: object) -> service.Decision:
    values: dict[str, object] = {
        "visitor_id": VISITOR,
        "policy_version": policy.policy.version,
        "method": "banner",
        "granted": ["analytics"],
        "denied": ["marketing"],
        "gpc": False,
        "language": "fr",
    }
    return service.Decision(**(values | changes))  # type: ignore[arg-type]


def record(store: Store, policy: Policy, clock: FixedClock, **changes: object) -> uuid.UUID:
    country = changes.pop("country", None)
    with store.transaction() as session:
        receipt = service.record_decision(
            session,
            policy,
            decision(policy, **changes),
            clock.now(),
            country=country,  # type: ignore[arg-type]
            privacy_url=PRIVACY,
        )
        return receipt.id


def has(store: Store, policy: Policy, clock: FixedClock, category: str) -> bool:
    with store.transaction() as session:
        return service.has_consent(session, policy, VISITOR, category, clock.now())


def test_it_files_a_receipt_whose_visitor_is_encrypted(
    store: Store, policy: Policy, clock: FixedClock
) -> None:
    receipt_id = record(store, policy, clock, country="FR")
    with store.engine.connect() as connection:
        raw = connection.execute(text("SELECT record, visitor_index FROM consent_receipts")).one()
    assert str(VISITOR).encode() not in bytes(raw.record)
    assert str(VISITOR) not in raw.visitor_index
    with store.transaction() as session:
        stored = service.find_receipt(session, receipt_id)
        assert stored is not None
        assert (stored.granted, stored.denied, stored.method) == (
            ["analytics"],
            ["marketing"],
            "banner",
        )
        assert service.stored_record(stored)["pii_principal_id"] == str(VISITOR)


def test_the_latest_decision_is_the_visitors_choice(
    store: Store, policy: Policy, clock: FixedClock
) -> None:
    record(store, policy, clock)
    assert has(store, policy, clock, "analytics")
    assert not has(store, policy, clock, "marketing")
    clock.advance(timedelta(minutes=5))
    record(
        store, policy, clock, method="preferences", granted=[], denied=["analytics", "marketing"]
    )
    assert not has(store, policy, clock, "analytics")
    with store.transaction() as session:
        assert len(service.receipts_of(session, VISITOR)) == 2  # the older one stays on record


def test_a_required_category_needs_no_receipt(
    store: Store, policy: Policy, clock: FixedClock
) -> None:
    assert has(store, policy, clock, "functional")
    assert not has(store, policy, clock, "analytics")
    with pytest.raises(service.UnknownCategory):
        has(store, policy, clock, "tracking")


def test_a_choice_lapses_with_the_consent_cookie(
    store: Store, policy: Policy, clock: FixedClock
) -> None:
    record(store, policy, clock)
    clock.advance(timedelta(days=396))  # privet_consent lives 13 months
    assert not has(store, policy, clock, "analytics")


def test_a_consent_given_for_another_purpose_does_not_count(
    store: Store, policy: Policy, clock: FixedClock
) -> None:
    record(store, policy, clock)
    analytics = policy.cookies["analytics"].model_copy(update={"purpose": "remarketing"})
    changed = policy.model_copy(update={"cookies": {**policy.cookies, "analytics": analytics}})
    assert has(store, policy, clock, "analytics")
    assert not has(store, changed, clock, "analytics")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"granted": ["tracking"]}, "granted"),
        ({"denied": ["functional"]}, "denied"),
        ({"granted": ["analytics"], "denied": ["analytics"]}, "denied"),
        ({"method": "gpc", "gpc": False}, "gpc"),
        ({"gpc": True, "granted": ["marketing"], "denied": []}, "granted"),
    ],
)
def test_it_refuses_a_decision_and_names_the_field(
    store: Store, policy: Policy, clock: FixedClock, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(service.DecisionInvalid) as refused:
        record(store, policy, clock, **changes)
    assert field in refused.value.problems
    assert not refused.value.stale
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(ConsentReceipt)) == 0


def test_a_decision_on_an_older_policy_is_stale(
    store: Store, policy: Policy, clock: FixedClock
) -> None:
    with pytest.raises(service.DecisionInvalid) as refused:
        record(store, policy, clock, policy_version="2019-01-01")
    assert refused.value.stale
    assert set(refused.value.problems) == {"policy_version"}


def test_a_receipt_cannot_be_changed_once_filed(
    store: Store, policy: Policy, clock: FixedClock
) -> None:
    receipt_id = record(store, policy, clock)
    with pytest.raises(DBAPIError, match="append-only"), store.transaction() as session:
        session.execute(
            update(ConsentReceipt)
            .where(ConsentReceipt.id == receipt_id)
            .values(granted=["analytics", "marketing"])
        )
    with store.transaction() as session:
        stored = service.find_receipt(session, receipt_id)
        assert stored is not None and stored.granted == ["analytics"]
