"""Group commit: concurrent rows share transactions, and each writer learns its outcome."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import event, func, select

from privet.consent.models import ConsentReceipt
from privet.store.group_commit import GroupCommit
from privet.store.open import Store

T = TypeVar("T")


def receipt(receipt_id: uuid.UUID | None = None) -> ConsentReceipt:
    return ConsentReceipt(
        id=receipt_id or uuid.uuid4(),
        visitor_index="0" * 64,
        recorded_at=datetime(2026, 11, 23, tzinfo=UTC),
        policy_version="1",
        method="api",
        granted=[],
        denied=[],
        gpc=False,
        country=None,
        record="{}",
    )


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run on a loop of its own thread: Playwright's sync API may hold this thread's loop."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def count(store: Store) -> int:
    with store.transaction() as session:
        return session.scalar(select(func.count()).select_from(ConsentReceipt)) or 0


def test_concurrent_writes_share_commits_and_all_land(store: Store) -> None:
    commits: list[object] = []
    event.listen(store.engine, "commit", commits.append)
    writer = GroupCommit(store)

    async def write_many() -> None:
        await asyncio.gather(*(writer.write(receipt()) for _ in range(50)))

    run(write_many())
    assert count(store) == 50
    assert 1 <= len(commits) < 50


def test_every_writer_of_a_failed_batch_gets_the_error(store: Store) -> None:
    taken = uuid.uuid4()
    writer = GroupCommit(store)
    run(writer.write(receipt(taken)))

    async def write_with_a_duplicate() -> list[BaseException | None]:
        results = await asyncio.gather(
            writer.write(receipt()),  # leads its own batch alone: commits
            writer.write(receipt()),
            writer.write(receipt(taken)),  # same batch as the one above: both fail
            return_exceptions=True,
        )
        return list(results)

    first, second, duplicate = run(write_with_a_duplicate())
    assert first is None
    assert isinstance(second, Exception) and isinstance(duplicate, Exception)
    assert count(store) == 2
