"""Work that runs beside the web server: a pass at start, then one every interval."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from traceback import extract_tb

from privet.store.unavailable import database_code

log = logging.getLogger(__name__)
WHERE_FRAMES = 8  # how many of its places in privet a failure's log line names
PACKAGE = str(Path(__file__).parent)


class Periodic(threading.Thread):
    """Runs `work` until stopped. Several servers may each run one: the work itself must
    be safe to run twice at once (claims, conditional updates)."""

    def __init__(self, name: str, interval: timedelta, work: Callable[[], object]) -> None:
        super().__init__(name=name, daemon=True)
        self.interval, self.work = interval, work
        self._stopping = threading.Event()

    def run(self) -> None:
        while True:
            self._one_pass()
            if self._stopping.wait(self.interval.total_seconds()):
                return

    def stop(self) -> None:
        """Let the pass under way finish, then end."""
        self._stopping.set()
        self.join()

    def stopping(self) -> bool:
        """Whether `stop` was called: long work may end its pass early."""
        return self._stopping.is_set()

    def _one_pass(self) -> None:
        try:
            self.work()
        except Exception as error:  # the loop must outlive a database blip
            # The error's class, the database's code and where: a message could quote a value.
            log.error(
                "periodic_failed",
                extra={"work": self.name, "error": type(error).__name__,
                       "code": database_code(error), "where": _privet_frames(error)},
            )  # fmt: skip


def _privet_frames(error: Exception) -> list[str]:
    """The innermost places in privet's own code the error passed through: the library
    frames below them (SQLAlchemy, the driver) would fill the line and say less."""
    frames = extract_tb(error.__traceback__)
    ours = [f"{f.filename}:{f.lineno} {f.name}" for f in frames if f.filename.startswith(PACKAGE)]
    return ours[-WHERE_FRAMES:]
