"""Requests on both databases: proving the address, deadlines, extensions, the queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from privet.clock import FixedClock
from privet.policy.schema import Policy
from privet.rights import service
from privet.rights.models import DataRequest
from privet.store.open import Store
from privet.subjects.service import get_or_create_subject

EMAIL = "ann@example.org"


def receive(
    store: Store, policy: Policy, clock: FixedClock, kind: str = "access"
) -> service.Received:
    with store.transaction() as session:
        asked = service.Asked(kind, EMAIL)
        return service.receive_request(session, policy, asked, language="en", now=clock.now())


def verify(
    store: Store, policy: Policy, clock: FixedClock, received: service.Received, code: str
) -> DataRequest:
    """As the API does: a failed attempt is committed (it counts), then reported."""
    failure = None
    with store.transaction() as session:
        found = service.find_request(session, received.request.id, received.token)
        assert found is not None
        try:
            return service.verify_request(session, policy, found, code, clock.now())
        except service.VerificationFailed as error:
            failure = error
    raise failure


def test_the_deadline_runs_from_verification_and_finds_the_subject(
    store: Store, policy: Policy, clock: FixedClock
) -> None:
    with store.transaction() as session:
        subject = get_or_create_subject(session, EMAIL, clock.now())
    received = receive(store, policy, clock)
    assert received.code is not None
    clock.advance(timedelta(minutes=10))
    verified = verify(store, policy, clock, received, received.code)
    assert verified.status == "open"
    assert verified.due_at == clock.now() + timedelta(days=30)  # NTOPROG: "within 30 days"
    assert verified.subject_id == subject.id


def test_months_are_calendar_months(store: Store, policy: Policy) -> None:
    monthly = policy.model_copy(update={"rights": policy.rights.model_copy(
        update={"deadline": policy.rights.deadline.parse("1 month")})})  # fmt: skip
    clock = FixedClock(datetime(2027, 1, 31, 9, tzinfo=UTC))
    received = receive(store, monthly, clock)
    assert received.code is not None
    verified = verify(store, monthly, clock, received, received.code)
    assert verified.due_at == datetime(2027, 2, 28, 9, tzinfo=UTC)


def test_a_wrong_expired_or_used_code_is_refused(
    store: Store, policy: Policy, clock: FixedClock
) -> None:
    received = receive(store, policy, clock)
    assert received.code is not None
    wrong = f"{(int(received.code) + 1) % 10**6:06d}"
    with pytest.raises(service.VerificationFailed):
        verify(store, policy, clock, received, wrong)
    clock.advance(timedelta(minutes=31))
    with pytest.raises(service.VerificationFailed):
        verify(store, policy, clock, received, received.code)
    fresh = receive(store, policy, clock)
    assert fresh.code is not None
    verify(store, policy, clock, fresh, fresh.code)
    with pytest.raises(service.VerificationFailed):
        verify(store, policy, clock, fresh, fresh.code)


def test_five_wrong_codes_lock_the_request(store: Store, policy: Policy, clock: FixedClock) -> None:
    received = receive(store, policy, clock)
    assert received.code is not None
    wrong = f"{(int(received.code) + 1) % 10**6:06d}"
    for _ in range(service.CODE_ATTEMPTS):
        with pytest.raises(service.VerificationFailed):
            verify(store, policy, clock, received, wrong)
    with pytest.raises(service.VerificationFailed):
        verify(store, policy, clock, received, received.code)


def test_an_address_gets_at_most_three_codes_an_hour(
    store: Store, policy: Policy, clock: FixedClock
) -> None:
    codes = [receive(store, policy, clock).code for _ in range(5)]
    assert [code is not None for code in codes] == [True, True, True, False, False]
    clock.advance(timedelta(hours=1, seconds=1))
    assert receive(store, policy, clock).code is not None


def test_an_extension_needs_the_policy_a_reason_and_happens_once(
    store: Store, policy: Policy, clock: FixedClock
) -> None:
    received = receive(store, policy, clock)
    assert received.code is not None
    clock.advance(timedelta(minutes=1))
    verify(store, policy, clock, received, received.code)
    clock.advance(timedelta(days=3))
    extending = policy.model_copy(update={"rights": policy.rights.model_copy(
        update={"extension": policy.rights.deadline.parse("2 months")})})  # fmt: skip
    with store.transaction() as session:
        found = session.get(DataRequest, received.request.id)
        assert found is not None and found.due_at is not None
        with pytest.raises(service.RequestInvalid):
            service.extend_request(session, policy, found, "complex", now=clock.now())
        due = found.due_at
        service.extend_request(session, extending, found, "many systems", now=clock.now())
        assert found.due_at == datetime(2027, 2, 23, 12, 1, tzinfo=UTC) and due < found.due_at
        with pytest.raises(service.RequestInvalid):
            service.extend_request(session, extending, found, "again", now=clock.now())
        assert [step.step for step, _ in service.history(session, found.id)] == [
            "received", "verified", "extended",
        ]  # fmt: skip


def test_the_queue_puts_the_most_urgent_first_and_knows_the_overdue(
    store: Store, policy: Policy, clock: FixedClock
) -> None:
    first = receive(store, policy, clock)
    clock.advance(timedelta(minutes=10))
    second = receive(store, policy, clock, kind="erasure")
    for received in (second, first):  # verified in the other order than received
        assert received.code is not None
        verify(store, policy, clock, received, received.code)
        clock.advance(timedelta(minutes=1))
    with store.transaction() as session:
        queue = service.request_queue(session)
        assert [r.id for r in queue] == [second.request.id, first.request.id]
        later = clock.now() + timedelta(days=31)
        assert service.is_overdue(queue[0], later) and not service.is_overdue(queue[0], clock.now())
