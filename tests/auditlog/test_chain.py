"""The hash chain on both databases: intact as written, and every kind of tampering found
at the entry where it happened."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from auditlog.conftest import fill, swap, tamper
from conftest import NOW
from privet.auditlog.chain import GENESIS, Head, chain_key, seal
from privet.auditlog.models import AuditEntry
from privet.auditlog.service import NotAuditable, head, record
from privet.auditlog.verify import verify
from privet.store.crypto import Keyring, decode_secret, generate_secret
from privet.store.open import Store


def test_it_chains_each_entry_to_the_one_before(store: Store) -> None:
    fill(store, 3)
    with store.transaction() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
        last = head(session)
    assert [entry.seq for entry in entries] == [1, 2, 3]
    assert [entry.prev_hash for entry in entries] == [GENESIS, entries[0].hash, entries[1].hash]
    verdict = verify(store)
    assert (verdict.broken, verdict.checked, verdict.head) == (None, 3, last)
    assert last == Head(3, entries[2].hash)


def test_an_edited_entry_is_named(store: Store) -> None:
    fill(store, 5)
    tamper(store, "UPDATE audit_log SET actor = 'someone else' WHERE seq = 3")
    broken = verify(store).broken
    assert broken is not None and (broken.seq, broken.reason) == (3, "edited")


def test_a_deleted_entry_is_named(store: Store) -> None:
    fill(store, 5)
    tamper(store, "DELETE FROM audit_log WHERE seq = 2")
    verdict = verify(store)
    assert verdict.broken is not None
    assert (verdict.broken.seq, verdict.broken.reason) == (2, "deleted")
    assert verdict.head.seq == 1


def test_two_entries_swapped_are_named_at_the_first(store: Store) -> None:
    fill(store, 5)
    swap(store, 2, 4)
    broken = verify(store).broken
    assert broken is not None and (broken.seq, broken.reason) == (2, "reordered")


def test_entries_cut_from_the_end_are_found_with_the_head_kept_before(store: Store) -> None:
    fill(store, 5)
    kept = verify(store).head
    tamper(store, "DELETE FROM audit_log WHERE seq > 3")
    assert verify(store).broken is None  # the chain alone cannot tell: hence the head
    broken = verify(store, expect=kept).broken
    assert broken is not None and (broken.seq, broken.reason) == (4, "truncated")
    fill(store, 3)  # privet carries on from entry 3: the chain is whole again, but not the same
    broken = verify(store, expect=kept).broken
    assert broken is not None and (broken.seq, broken.reason) == (5, "truncated")


def test_a_walk_in_batches_finds_tampering_past_the_first_batch(store: Store) -> None:
    fill(store, 7)
    tamper(store, "UPDATE audit_log SET details = '{}' WHERE seq = 6")
    verdict = verify(store, batch=2)
    assert verdict.broken is not None and verdict.broken.seq == 6
    assert verdict.checked == 5


def test_a_chain_rewritten_without_privets_key_fails_from_its_first_entry(store: Store) -> None:
    fill(store, 3)
    forger = chain_key(Keyring(decode_secret(generate_secret())))
    with store.transaction() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
    previous = GENESIS
    for entry in entries:
        forged = AuditEntry(seq=entry.seq, at=entry.at, actor="nobody", action=entry.action,
                            details=entry.details, prev_hash=previous)  # fmt: skip
        previous = seal(forger, forged)
        tamper(store, "UPDATE audit_log SET actor = 'nobody', prev_hash = :prev, hash = :hash "
               "WHERE seq = :seq", prev=forged.prev_hash, hash=previous, seq=entry.seq)  # fmt: skip
    broken = verify(store).broken
    assert broken is not None and (broken.seq, broken.reason) == (1, "edited")


def test_the_table_refuses_updates_and_deletes_outright(store: Store) -> None:
    fill(store, 1)
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as connection:
            connection.execute(text(statement))
    assert verify(store).checked == 1


def test_appends_from_many_threads_keep_one_unbroken_chain(store: Store) -> None:
    threads, each = 6, 5
    start = threading.Barrier(threads)

    def append() -> None:
        start.wait()
        for number in range(each):
            with store.transaction() as session:
                record(session, "privet", "view", NOW, details={"n": number})

    workers = [threading.Thread(target=append) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    verdict = verify(store)
    assert (verdict.broken, verdict.checked) == (None, threads * each)


def test_an_entry_refuses_what_could_be_personal(store: Store) -> None:
    with store.transaction() as session, pytest.raises(NotAuditable, match=r"details\.email"):
        record(session, "privet", "view", NOW, details={"email": "ann@example.org"})
    with store.transaction() as session, pytest.raises(NotAuditable, match="not an audit"):
        record(session, "privet", "gossip", NOW)
