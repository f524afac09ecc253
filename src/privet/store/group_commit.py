"""Group commit: rows from concurrent requests share one transaction, and one disk sync.

A request hands its row over and waits. The first waiter to get the lock writes every
row waiting at that moment in one transaction; the others find their row already
committed when their turn comes, or lead the next batch. Each request is answered only
after the transaction holding its row has committed, so an acknowledged row survives a
crash, and under load a commit (an fsync on SQLite) serves tens of requests instead of one.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from starlette.concurrency import run_in_threadpool

from privet.store.base import Base
from privet.store.open import Store


@dataclass
class _Lane:
    """The queue of one event loop: asyncio locks and futures belong to a single loop."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: list[tuple[Base, asyncio.Future[None]]] = field(default_factory=list)


class GroupCommit:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._lanes: WeakKeyDictionary[asyncio.AbstractEventLoop, _Lane] = WeakKeyDictionary()

    async def write(self, row: Base) -> None:
        """Return once `row` is committed; raise what the database raised if it is not."""
        loop = asyncio.get_running_loop()
        lane = self._lanes.setdefault(loop, _Lane())
        committed: asyncio.Future[None] = loop.create_future()
        lane.waiting.append((row, committed))
        async with lane.lock:
            if not committed.done():
                batch, lane.waiting = lane.waiting, []
                await self._commit(batch)
        await committed

    async def _commit(self, batch: list[tuple[Base, asyncio.Future[None]]]) -> None:
        try:
            await run_in_threadpool(self._insert, [row for row, _ in batch])
        except Exception as error:  # every waiter of the batch learns why, the leader too
            for _, committed in batch:
                committed.set_exception(error)
        else:
            for _, committed in batch:
                committed.set_result(None)

    def _insert(self, rows: list[Base]) -> None:
        with self._store.transaction() as session:
            session.add_all(rows)
