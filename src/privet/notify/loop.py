"""Delivering mail while `privet serve` runs: a pass at start, then every half minute."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from sqlalchemy.orm import Session, sessionmaker

from privet.clock import Clock
from privet.notify.service import deliver_all_due
from privet.notify.transport import Transport
from privet.periodic import Periodic

INTERVAL = timedelta(seconds=30)


class DeliveryLoop(Periodic):
    """Several servers may each run one (claims keep every message to one sender).
    `privet outbox deliver` does one pass by hand."""

    def __init__(self, sessions: sessionmaker[Session], transport: Transport, clock: Clock) -> None:
        # A long queue must not hold up a stop: the pass ends after the batch under way.
        deliver = partial(deliver_all_due, sessions, transport, clock, self.stopping)
        super().__init__("privet-mail", INTERVAL, deliver)
