from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import NOW
from notify.conftest import SENDER, Relay, free_port
from privet.clock import FixedClock
from privet.notify.models import OutboxMessage
from privet.notify.service import (
    CLAIM,
    MAX_ATTEMPTS,
    Delivery,
    claim,
    deliver_all_due,
    deliver_due,
    due_ids,
    queue_email,
)
from privet.notify.transport import SmtpTransport
from privet.store.open import Store
from privet.subjects.service import get_or_create_subject, stored_about

ADDRESS = "ann.onymous@example.org"
BATCH = 50  # deliver_due's default


def queue(store: Store, **given: object) -> uuid.UUID:
    with store.transaction() as session:
        body = "We received your request."
        message = queue_email(session, ADDRESS, "Your request", body, NOW, **given)
        return message.id


def stored(store: Store, message_id: uuid.UUID) -> OutboxMessage:
    with store.transaction() as session:
        return session.get_one(OutboxMessage, message_id)


def test_a_queued_message_reaches_the_relay_and_is_marked_sent(
    store: Store, relay: Relay, clock: FixedClock
) -> None:
    message_id = queue(store)
    assert deliver_due(store.sessions, relay.transport(), clock) == Delivery(sent=1)
    [received] = relay.received
    assert (received["To"], received["Subject"]) == (ADDRESS, "Your request")
    assert received.get_content().strip() == "We received your request."
    row = stored(store, message_id)
    assert (row.sent_at, row.attempts, row.claimed_until, row.last_error) == (NOW, 1, None, None)
    assert deliver_due(store.sessions, relay.transport(), clock) == Delivery()


def test_it_retries_a_message_the_server_refused(
    store: Store, relay: Relay, clock: FixedClock
) -> None:
    message_id = queue(store)
    relay.refusal = f"550 5.1.1 <{ADDRESS}>: no such user"
    assert deliver_due(store.sessions, relay.transport(), clock) == Delivery(retrying=1)
    row = stored(store, message_id)
    assert (row.sent_at, row.attempts, row.claimed_until) == (None, 1, None)
    assert row.last_error == "recipient refused (550)"
    assert row.send_after == NOW + timedelta(minutes=2)
    relay.refusal = None
    assert deliver_due(store.sessions, relay.transport(), clock) == Delivery()  # not yet
    clock.advance(timedelta(minutes=2))
    assert deliver_due(store.sessions, relay.transport(), clock) == Delivery(sent=1)
    assert stored(store, message_id).attempts == 2
    assert len(relay.received) == 1


def test_it_gives_up_after_the_last_attempt(store: Store, clock: FixedClock) -> None:
    message_id = queue(store)
    nobody = SmtpTransport(host="127.0.0.1", port=free_port(), sender=SENDER)
    outcomes = Delivery()
    for _ in range(MAX_ATTEMPTS + 2):
        outcomes += deliver_due(store.sessions, nobody, clock)
        clock.advance(timedelta(days=1))
    assert outcomes == Delivery(retrying=MAX_ATTEMPTS - 1, given_up=1)
    row = stored(store, message_id)
    assert (row.sent_at, row.attempts) == (None, MAX_ATTEMPTS)
    assert row.last_error is not None and "ConnectionRefusedError" in row.last_error


def test_two_runs_never_claim_the_same_message(store: Store) -> None:
    message_id = queue(store)
    with store.transaction() as first:  # both runs list the message before either claims
        seen_by_first = due_ids(first, NOW, 50)
    with store.transaction() as second:
        seen_by_second = due_ids(second, NOW, 50)
    assert seen_by_first == seen_by_second == [message_id]
    with store.transaction() as first:
        assert claim(first, message_id, NOW)
    with store.transaction() as second:
        assert not claim(second, message_id, NOW)
        assert due_ids(second, NOW, 50) == []


def test_a_run_that_died_frees_its_message_when_the_lease_ends(
    store: Store, relay: Relay, clock: FixedClock
) -> None:
    message_id = queue(store)
    with store.transaction() as session:
        assert claim(session, message_id, NOW)  # and then the process was killed
    assert deliver_due(store.sessions, relay.transport(), clock) == Delivery()
    clock.advance(CLAIM)
    assert deliver_due(store.sessions, relay.transport(), clock) == Delivery(sent=1)
    assert stored(store, message_id).attempts == 2


def test_it_delivers_everything_due_in_batches(
    store: Store, relay: Relay, clock: FixedClock
) -> None:
    for _ in range(3):
        queue(store)
    first = deliver_due(store.sessions, relay.transport(), clock, batch=2)
    assert first == Delivery(sent=2)
    assert deliver_all_due(store.sessions, relay.transport(), clock) == Delivery(sent=1)
    assert len(relay.received) == 3


def test_a_stopping_server_ends_delivery_after_the_batch_under_way(
    store: Store, relay: Relay, clock: FixedClock
) -> None:
    for _ in range(BATCH + 1):
        queue(store)
    asked: list[bool] = []

    def stopping() -> bool:  # asked before each batch: the second time, a stop has come
        asked.append(len(asked) > 0)
        return asked[-1]

    assert deliver_all_due(store.sessions, relay.transport(), clock, stopping) == Delivery(
        sent=BATCH
    )
    assert len(relay.received) == BATCH  # the last one waits for the next start


def test_the_database_holds_no_address_in_clear(store: Store) -> None:
    queue(store, headers={"List-Unsubscribe": f"<mailto:{ADDRESS}>"}, html=f"<p>{ADDRESS}</p>")
    if store.engine.dialect.name == "sqlite":
        store.close()  # checkpoints the WAL into the file
        database = Path(str(store.engine.url.database))
        raw = b"".join(path.read_bytes() for path in database.parent.glob(f"{database.name}*"))
    else:
        with store.engine.connect() as connection:
            query = text("SELECT outbox_messages::text FROM outbox_messages")
            raw = connection.execute(query).scalar_one().encode()
    assert b"Your request" in raw  # the subject line is stored in clear, by design
    assert b"ann.onymous" not in raw


def test_no_log_record_holds_the_address(
    store: Store, relay: Relay, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    queue(store)
    relay.refusal = f"550 5.1.1 <{ADDRESS}>: no such user"  # a server that quotes it back
    deliver_due(store.sessions, relay.transport(), clock)
    relay.refusal = None
    clock.advance(timedelta(hours=1))
    deliver_due(store.sessions, relay.transport(), clock)
    ours = [record for record in caplog.records if record.name.startswith("privet")]
    assert {record.getMessage() for record in ours} == {"mail_failed", "mail_sent"}
    for record in ours:
        assert "ann.onymous" not in repr(vars(record)).lower()


def test_mail_sent_to_a_person_is_part_of_what_is_stored_about_them(store: Store) -> None:
    with store.transaction() as session:
        subject_id = get_or_create_subject(session, ADDRESS, NOW).id
    message_id = queue(store, subject_id=subject_id)
    with store.transaction() as session:
        subject = get_or_create_subject(session, ADDRESS, NOW)
        [row] = stored_about(session, subject)["outbox_messages"]
        assert (row["id"], row["recipient"]) == (message_id, ADDRESS)
        session.delete(subject)
    with store.transaction() as session:
        assert session.get(OutboxMessage, message_id) is None


@pytest.mark.parametrize(
    ("recipient", "subject", "headers", "problem"),
    [
        ("ann.example.org", "Hello", {}, "not an email address"),
        (ADDRESS, "Hello\r\nBcc: eve@example.org", {}, "line break"),
        (ADDRESS, "Hello", {"X-Tag": "a\nBcc: eve@example.org"}, "line break"),
        (ADDRESS, "Hello", {"to": "eve@example.org"}, "may not set"),
    ],
)
def test_it_refuses_a_message_that_could_never_be_sent_safely(
    store: Store, recipient: str, subject: str, headers: dict[str, str], problem: str
) -> None:
    with store.transaction() as session, pytest.raises(ValueError, match=problem) as refused:
        queue_email(session, recipient, subject, "body", NOW, headers=headers)
    assert "example.org" not in str(refused.value)
