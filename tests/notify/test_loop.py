from __future__ import annotations

from pathlib import Path

from conftest import NOW
from privet.clock import FixedClock
from privet.notify.loop import DeliveryLoop
from privet.notify.service import queue_email
from privet.notify.transport import FolderTransport
from privet.store.open import Store


def test_the_loop_delivers_what_is_due_as_soon_as_it_starts(
    store: Store, clock: FixedClock, tmp_path: Path
) -> None:
    with store.transaction() as session:
        queue_email(session, "ann@example.org", "Your request", "Hello", NOW)
    loop = DeliveryLoop(
        store.sessions, FolderTransport(tmp_path / "outbox", "privet@example.org"), clock
    )
    loop.start()
    loop.stop()  # returns once the pass under way has finished
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
