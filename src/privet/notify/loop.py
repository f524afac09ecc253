"""Delivering mail while `privet serve` runs: a pass at start, then every half minute."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from privet.clock import Clock
from privet.notify.service import deliver_all_due
from privet.notify.transport import Transport

log = logging.getLogger(__name__)

INTERVAL = timedelta(seconds=30)


class DeliveryLoop(threading.Thread):
    """Runs beside the web server; several servers may each run one (claims keep every
    message to one sender). `privet outbox deliver` does one pass by hand."""

    def __init__(self, sessions: sessionmaker[Session], transport: Transport, clock: Clock) -> None:
        super().__init__(name="privet-mail", daemon=True)
        self.sessions, self.transport, self.clock = sessions, transport, clock
        self._stopping = threading.Event()

    def run(self) -> None:
        while True:
            self._one_pass()
            if self._stopping.wait(INTERVAL.total_seconds()):
                return

    def stop(self) -> None:
        """Let the pass under way finish, then end."""
        self._stopping.set()
        self.join()

    def _one_pass(self) -> None:
        try:
            deliver_all_due(self.sessions, self.transport, self.clock)
        except Exception as error:  # the loop must outlive a database blip
            # Only the error's class: a message could quote a value.
            log.error("mail_loop_failed", extra={"error": type(error).__name__})
