"""Transactions PostgreSQL rolled back so that another could go on: a deadlock, or a
serialization failure. Nothing of them was written, so the same work, run again once the
other transaction is through, usually succeeds.

A deadlock needs two transactions taking locks in opposite orders, such as a roll-up
reading page views then consent receipts while a sweep attaches a month to each; the
database picks one to fail. Background work retries rather than waiting an hour."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from privet.store.open import Store

log = logging.getLogger(__name__)

T = TypeVar("T")
ATTEMPTS = 3
# serialization_failure, deadlock_detected: PostgreSQL's "run it again" answers.
RUN_AGAIN = ("40001", "40P01")


def lost_to_another(error: BaseException) -> bool:
    return isinstance(error, DBAPIError) and getattr(error.orig, "sqlstate", None) in RUN_AGAIN


def retried(store: Store, work: Callable[[Session], T]) -> T:
    """`work` in a transaction, run again (up to ATTEMPTS in all) when the database rolled
    it back for another transaction's sake; any other error is raised at once."""
    attempt = 1
    while True:
        try:
            with store.transaction() as session:
                return work(session)
        except DBAPIError as error:
            if attempt >= ATTEMPTS or not lost_to_another(error):
                raise
            code = getattr(error.orig, "sqlstate", None)
            log.info("transaction_run_again", extra={"code": code, "attempt": attempt})
            attempt += 1
