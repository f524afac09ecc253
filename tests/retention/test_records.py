"""No table of personal data escapes retention: each is a record type under a rule, or
is named here with the reason it needs none."""

from __future__ import annotations

from privet.models import Base
from privet.retention.records import RECORD_TYPES
from privet.store.types import Encrypted
from privet.subjects.service import subject_columns

NEEDS_NO_RULE = {
    "subjects": "deleted by the sweep once nothing else is kept about the person",
    "subject_visitors": "a link, deleted with the person",
    "legal_holds": "the hold itself: lifted holds stay as the record of who ended them",
    "data_request_events": "deleted with their request",
    "data_request_exports": "deleted when the download link expires (7 days)",
    "staff_users": "staff accounts, managed by admins",
    "staff_sessions": "a staff login, useless after 12 hours; staff accounts are not the policy's",
    "api_tokens": "revoked by admins",
}


def test_every_table_about_people_is_under_a_rule() -> None:
    ruled = {record_type.model.__tablename__ for record_type in RECORD_TYPES}
    personal = {table.name for table, _ in subject_columns(Base.metadata)}
    personal |= {
        table.name
        for table in Base.metadata.sorted_tables
        if any(isinstance(column.type, Encrypted) for column in table.columns)
    }
    assert personal - ruled - NEEDS_NO_RULE.keys() == set()
    assert ruled & NEEDS_NO_RULE.keys() == set()
