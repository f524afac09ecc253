"""Finding and creating subjects, and listing everything stored about one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Column, MetaData, Table, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from privet.models import Base
from privet.store.crypto import normalise_email
from privet.store.types import keyring_of
from privet.subjects.models import Subject


def email_index(session: Session, email: str) -> str:
    """The address's blind index under the current key: what a new row is written with."""
    return keyring_of(session.get_bind().dialect).blind_index(normalise_email(email))


def email_indexes(session: Session, email: str) -> list[str]:
    """The address's blind index under every key, current first: what a lookup matches,
    since rows a key rotation has not reached (or cannot) carry an older key's."""
    return keyring_of(session.get_bind().dialect).blind_indexes(normalise_email(email))


def find_subject(session: Session, email: str) -> Subject | None:
    query = select(Subject).where(Subject.email_index.in_(email_indexes(session, email)))
    return session.scalars(query).one_or_none()


def get_or_create_subject(session: Session, email: str, now: datetime) -> Subject:
    subject = find_subject(session, email)
    if subject is not None:
        return subject
    subject = Subject(email_index=email_index(session, email), email=email.strip(), created_at=now)
    try:
        # A savepoint: when two requests from one new person race (PostgreSQL lets both
        # look and find nothing), the loser's insert fails alone and it takes the winner's.
        with session.begin_nested():
            session.add(subject)
    except IntegrityError:
        found = find_subject(session, email)
        assert found is not None
        return found
    return subject


def subject_columns(metadata: MetaData) -> Iterator[tuple[Table, Column[Any]]]:
    """Every (table, column) that points at a subject: the map of a person's data.

    Found from the foreign keys themselves, so a capability that adds a table about people
    cannot forget to register it: export and erasure are complete by construction.
    """
    for table in metadata.sorted_tables:
        for column in table.columns:
            if any(key.column.table.name == "subjects" for key in column.foreign_keys):
                yield table, column


def stored_about(session: Session, subject: Subject) -> dict[str, list[dict[str, Any]]]:
    """Everything stored about `subject`, decrypted, by table name."""
    subjects = Base.metadata.tables["subjects"]
    found = {"subjects": _rows(session, subjects, subjects.c.id, subject.id)}
    for table, column in subject_columns(Base.metadata):
        rows = _rows(session, table, column, subject.id)
        if rows:
            found.setdefault(table.name, []).extend(rows)
    return found


def _rows(session: Session, table: Table, column: Column[Any], value: Any) -> list[dict[str, Any]]:
    result = session.execute(select(table).where(column == value))
    return [dict(row._mapping) for row in result]
