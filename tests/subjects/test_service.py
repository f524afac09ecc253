from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Column, ForeignKey, MetaData, Table, Uuid, text

from conftest import NOW, make_settings
from privet.clock import FixedClock
from privet.store.open import Store, open_store
from privet.subjects.models import Subject
from privet.subjects.service import (
    find_subject,
    get_or_create_subject,
    stored_about,
    subject_columns,
)


def test_it_finds_a_subject_by_email_whatever_its_case(store: Store) -> None:
    with store.transaction() as session:
        created = get_or_create_subject(session, "Ann@Example.org", NOW)
    with store.transaction() as session:
        found = find_subject(session, "  ann@example.ORG")
        assert found is not None and found.id == created.id
        assert found.email == "Ann@Example.org"


def test_it_creates_one_subject_per_person(store: Store) -> None:
    with store.transaction() as session:
        first = get_or_create_subject(session, "ann@example.org", NOW)
        second = get_or_create_subject(session, "ANN@example.org", NOW)
        assert first.id == second.id
        assert session.query(Subject).count() == 1


def test_it_knows_nobody_it_was_never_told_about(store: Store) -> None:
    with store.transaction() as session:
        get_or_create_subject(session, "ann@example.org", NOW)
        assert find_subject(session, "bea@example.org") is None


def test_it_lists_what_it_stores_about_a_subject_decrypted(store: Store) -> None:
    with store.transaction() as session:
        subject = get_or_create_subject(session, "ann@example.org", NOW)
        subject.phone = "+243810000000"
    with store.transaction() as session:
        found = find_subject(session, "ann@example.org")
        assert found is not None
        [row] = stored_about(session, found)["subjects"]
    assert row["email"] == "ann@example.org"
    assert row["phone"] == "+243810000000"
    assert row["created_at"] == NOW


def test_a_table_pointing_at_subjects_is_part_of_the_map_by_construction() -> None:
    metadata = MetaData()
    Subject.__table__.to_metadata(metadata)
    notes = Table(
        "notes", metadata, Column("about", Uuid, ForeignKey("subjects.id")), Column("x", Uuid)
    )
    assert [(table.name, column.name) for table, column in subject_columns(metadata)] == [
        (notes.name, "about")
    ]


@pytest.mark.postgres
def test_two_first_requests_from_one_person_make_one_subject(
    postgres_url: str, tmp_path: Path
) -> None:
    """B looks while A's insert is uncommitted, finds nothing, and its insert waits on the
    unique index; when A commits, B must take A's subject, not fail."""
    store = open_store(make_settings(tmp_path, postgres_url), FixedClock(NOW))
    first = store.sessions()
    first.begin()
    mine = get_or_create_subject(first, "ann@example.org", NOW)
    theirs: list[Subject] = []

    def second_request() -> None:
        with store.transaction() as session:
            theirs.append(get_or_create_subject(session, "ann@example.org", NOW))

    racer = threading.Thread(target=second_request)
    racer.start()
    _wait_until_blocked_on_a_lock(store)
    first.commit()
    racer.join()
    store.close()
    assert theirs[0].id == mine.id


def _wait_until_blocked_on_a_lock(store: Store) -> None:
    waiting = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
    with store.engine.connect() as connection:
        for _ in range(10_000):  # a condition, polled: not a sleep standing in for one
            if connection.execute(waiting).scalar():
                return
            connection.rollback()
    raise AssertionError("the second request never reached the unique index")
