"""Queueing mail, and delivering what is due: at least once, retried with growing delays.

The outbox table is the queue. A delivery run claims one message at a time with a
conditional UPDATE, in a transaction of its own, and sends it with no transaction open, so
neither a slow relay nor a second run (in another process, or on another machine) can
hold the database or send a message twice.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from privet.clock import Clock
from privet.notify.compose import COMPOSED_HEADERS
from privet.notify.models import LAST_ERROR_LENGTH, OutboxMessage
from privet.notify.transport import DeliveryError, Transport

log = logging.getLogger(__name__)

# Eight attempts, 2, 4 … 128 minutes apart: a relay down for four hours loses nothing.
MAX_ATTEMPTS = 8
# Longer than one SMTP exchange can last, timeouts included, so a lease never lapses
# while its run is still sending; a run that died frees its message when the lease ends.
CLAIM = timedelta(minutes=10)


@dataclass
class Delivery:
    """What a delivery run did."""

    sent: int = 0
    retrying: int = 0
    given_up: int = 0

    @property
    def attempted(self) -> int:
        return self.sent + self.retrying + self.given_up

    def __iadd__(self, other: Delivery) -> Delivery:
        self.sent += other.sent
        self.retrying += other.retrying
        self.given_up += other.given_up
        return self


def queue_email(
    session: Session,
    recipient: str,
    subject: str,
    body: str,
    now: datetime,
    *,
    html: str | None = None,
    headers: Mapping[str, str] | None = None,
    subject_id: uuid.UUID | None = None,
    forget_when_sent: bool = False,
) -> OutboxMessage:
    """Queue a message; `subject` is stored in clear and must hold no personal data."""
    headers = dict(headers or {})
    _refuse_unsafe_headers(recipient, subject, headers)
    message = OutboxMessage(
        subject_id=subject_id,
        recipient=recipient,
        subject_line=subject,
        body=body,
        html=html,
        headers=json.dumps(headers),
        created_at=now,
        send_after=now,
        attempts=0,
        forget_when_sent=forget_when_sent,
    )
    session.add(message)
    session.flush()
    return message


def _refuse_unsafe_headers(recipient: str, subject: str, headers: dict[str, str]) -> None:
    """Refuse at the door what would fail at every attempt. Messages never quote the values."""
    if "@" not in recipient:
        raise ValueError("the recipient is not an email address")
    if any(name.lower() in COMPOSED_HEADERS for name in headers):
        raise ValueError(f"headers may not set any of {', '.join(sorted(COMPOSED_HEADERS))}")
    # A line break would let a value start headers of its own (header injection).
    texts = (recipient, subject, *headers.keys(), *headers.values())
    if any("\r" in text or "\n" in text for text in texts):
        raise ValueError("a header holds a line break")


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.attempts < MAX_ATTEMPTS,
        OutboxMessage.send_after <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
    )


def due_ids(session: Session, now: datetime, batch: int) -> list[uuid.UUID]:
    query = select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.send_after)
    return list(session.scalars(query.limit(batch)))


def claim(session: Session, message_id: uuid.UUID, now: datetime) -> bool:
    """Take a due message for one delivery attempt; False if another run took it first.

    The WHERE clause repeats the due test, so of two runs that both saw the message due,
    the second one's UPDATE matches nothing. The attempt is counted here, not after
    sending, so a message that crashes its run is still given up in the end.
    """
    # Through the connection, whose result has a rowcount (RETURNING needs SQLite 3.35).
    claimed = session.connection().execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _due(now))
        .values(claimed_until=now + CLAIM, attempts=OutboxMessage.attempts + 1)
    )
    return claimed.rowcount == 1


def deliver_due(
    sessions: sessionmaker[Session], transport: Transport, clock: Clock, batch: int = 50
) -> Delivery:
    """Send up to `batch` due messages, each claimed just before it is sent.

    Takes the clock, not one moment, because a batch of slow sends takes real time and
    each claim's lease must start when its message is taken.
    """
    delivery = Delivery()
    with sessions.begin() as session:
        candidates = due_ids(session, clock.now(), batch)
    for message_id in candidates:
        with sessions.begin() as session:
            if not claim(session, message_id, clock.now()):
                continue
            message = session.get_one(OutboxMessage, message_id)
        try:
            transport.send(message)
        except DeliveryError as error:
            delivery += _record_failure(sessions, message, str(error), clock.now())
        else:
            delivery += _record_sent(sessions, message, clock.now())
    return delivery


def deliver_all_due(
    sessions: sessionmaker[Session],
    transport: Transport,
    clock: Clock,
    stopping: Callable[[], bool] = lambda: False,
) -> Delivery:
    """Batches until nothing due is left (each message tried leaves the due set), or until
    `stopping` says the server is stopping: what is left waits for the next start."""
    total = Delivery()
    while not stopping() and (delivery := deliver_due(sessions, transport, clock)).attempted:
        total += delivery
    return total


def _record_sent(
    sessions: sessionmaker[Session], message: OutboxMessage, now: datetime
) -> Delivery:
    with sessions.begin() as session:
        this = OutboxMessage.id == message.id
        if message.forget_when_sent:
            session.execute(delete(OutboxMessage).where(this))
        else:
            session.execute(
                update(OutboxMessage)
                .where(this)
                .values(sent_at=now, claimed_until=None, last_error=None)
            )
    log.info("mail_sent", extra={"message_id": str(message.id), "attempts": message.attempts})
    return Delivery(sent=1)


def _record_failure(
    sessions: sessionmaker[Session], message: OutboxMessage, reason: str, now: datetime
) -> Delivery:
    retry_at = now + timedelta(minutes=2**message.attempts)
    with sessions.begin() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id)
            .values(last_error=reason[:LAST_ERROR_LENGTH], claimed_until=None, send_after=retry_at)
        )
    facts = {"message_id": str(message.id), "attempts": message.attempts, "reason": reason}
    if message.attempts >= MAX_ATTEMPTS:
        log.error("mail_given_up", extra=facts)
        return Delivery(given_up=1)
    log.warning("mail_failed", extra=facts | {"retry_at": retry_at.isoformat()})
    return Delivery(retrying=1)
