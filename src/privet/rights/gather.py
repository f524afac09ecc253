"""Everything privet itself holds about one person, as the export shows it.

The tables come from `subjects.service.stored_about`, which follows every foreign key to
`subjects`, so a capability that adds a table about people is exported without anyone
remembering to. Only privet's own machinery is left out: blind indexes and hashes of
secrets mean nothing to the person and would only help an attacker who got the file.
Two things are not keyed by subject and are added here: the banner's consent receipts
(through the browsers linked to the person) and each request's history.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from privet.consent.service import receipts_of_subject, stored_record
from privet.rights.service import history
from privet.subjects.models import Subject
from privet.subjects.service import stored_about

Rows = list[dict[str, Any]]

# Record types are named for the person reading the export, not for our tables.
RECORD_NAMES = {
    "subjects": "subject",
    "submissions": "submissions",
    "contracts": "contracts",
    "marketing_consents": "marketing_consents",
    "data_requests": "requests",
    "subject_visitors": None,  # shown as the receipts they lead to
}
# Columns that hold a secret's hash or a JSON text to open; the rest are shown as stored.
HIDDEN_SUFFIXES = ("_index", "_hash")
HIDDEN_COLUMNS = frozenset({"code_expires_at", "code_attempts", "reminded_at"})
JSON_COLUMNS = frozenset({"fields", "outcome"})


def gather(session: Session, subject: Subject) -> dict[str, Rows]:
    """Every record about `subject` in privet's store, by record type."""
    found: dict[str, Rows] = {}
    for table, rows in stored_about(session, subject).items():
        name = RECORD_NAMES.get(table, table)
        if name is not None:
            found[name] = [_shown(row) for row in rows]
    for request in found.get("requests", []):
        request["history"] = [
            {"at": event.at, "step": event.step, "note": event.note}
            for event, _ in history(session, request["id"])
        ]
    # Each ISO/IEC TS 27560 record is the receipt as filed, so it is shown whole.
    receipts = [stored_record(r) for r in receipts_of_subject(session, subject)]
    if receipts:
        found["consent_receipts"] = receipts
    return found


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    shown = {}
    for column, value in row.items():
        if column.endswith(HIDDEN_SUFFIXES) or column in HIDDEN_COLUMNS:
            continue
        shown[column] = json.loads(value) if column in JSON_COLUMNS and value else value
    return shown
