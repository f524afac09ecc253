"""The export archive: data.json, the CSV files and the summary page, opened as a person would."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from privet.rights.archive import SubjectExport, build_archive, export_document

SCHEMA = Path(__file__).parents[2] / "src" / "privet" / "rights" / "export_schema.json"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SUBMISSION_ID = uuid.UUID("8a1c7c1e-0d2f-4e0b-9a55-5f0d7a3c2b10")
EXPORT = SubjectExport(
    generated_at=NOW,
    request_id="3f2b8c1a-7d4e-4f5a-8b6c-9d0e1f2a3b4c",
    kind="portability",
    language="en",
    controller={"name": "NTOPROG", "email": "privacy@ntoprog.example.org", "address": "Kinshasa"},
    email="ann@example.org",
    records={
        "subject": [{"email": "ann@example.org", "created": date(2025, 1, 2)}],
        "submissions": [
            {"id": SUBMISSION_ID, "form": "quote", "fields": {"budget": Decimal("1200.50")}},
            {"id": SUBMISSION_ID, "note": "<script>alert(1)</script>", "score": -5},
            {"form": "contact", "note": '=HYPERLINK("https://evil.example.org")'},
            {"note": "'quoted", "attachment": b"\x00\xff", "ratio": float("nan")},
        ],
        "consent_receipts": [],
    },
    systems={
        "crm db": {"Leads/2024": [{"name": "Ann", "phone": "+243 81 000 0000"}]},
        "../etc": {"passwd": [{"user": "ann"}]},
        "a b": {"x": [{"n": 1}]},
        "a_b": {"x": [{"n": 2}]},
    },
    kept=[{"record": "contracts", "reason": "accounting law: 10 years", "until": "2036-11-23"}],
)


def open_archive(export: SubjectExport = EXPORT) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(build_archive(export)))


def read_csv(archive: zipfile.ZipFile, name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


def test_it_writes_data_json_with_every_value_spelled_out() -> None:
    document = json.loads(open_archive().read("data.json"))
    assert document == export_document(EXPORT)
    assert document["format"] == "privet-export/1"
    assert document["generated_at"] == "2026-11-23T12:00:00+00:00"
    assert document["subject"] == {"email": "ann@example.org"}
    quote, _, _, last = document["records"]["submissions"]
    assert quote == {"id": str(SUBMISSION_ID), "form": "quote", "fields": {"budget": "1200.50"}}
    assert (last["attachment"], last["ratio"]) == ("AP8=", "NaN")
    assert document["records"]["subject"][0]["created"] == "2025-01-02"


def test_it_refuses_a_value_it_cannot_write_the_same_way_twice() -> None:
    with pytest.raises(TypeError, match="set"):
        export_document(replace(EXPORT, records={"subject": [{"tags": {"a", "b"}}]}))


def test_data_json_has_what_the_schema_requires() -> None:
    # jsonschema is no dependency of privet: the required keys are checked by hand.
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    document = export_document(EXPORT)
    assert set(schema["required"]) <= document.keys()
    for key, part in schema["properties"].items():
        if "required" in part:
            assert set(part["required"]) <= document[key].keys(), key
    assert schema["properties"]["format"]["const"] == document["format"]


def test_it_writes_one_csv_per_table_with_rows() -> None:
    assert sorted(open_archive().namelist()) == [
        "data.json",
        "records/subject.csv",
        "records/submissions.csv",
        "summary.html",
        "systems/_etc/passwd.csv",
        "systems/a_b-2/x.csv",
        "systems/a_b/x.csv",
        "systems/crm_db/Leads_2024.csv",
    ]


def test_it_heads_a_csv_with_every_key_in_first_seen_order() -> None:
    header, *rows = read_csv(open_archive(), "records/submissions.csv")
    assert header == ["id", "form", "fields", "note", "score", "attachment", "ratio"]
    assert rows[0] == [str(SUBMISSION_ID), "quote", '{"budget":"1200.50"}', "", "", "", ""]
    assert len(rows) == 4


def test_it_keeps_spreadsheets_from_running_a_cell_as_a_formula() -> None:
    archive = open_archive()
    notes = [row[3] for row in read_csv(archive, "records/submissions.csv")[1:]]
    assert notes[2] == '\'=HYPERLINK("https://evil.example.org")'
    assert notes[3] == "''quoted"  # so that dropping one apostrophe always restores the value
    assert read_csv(archive, "records/submissions.csv")[2][4] == "-5"  # a number stays one
    assert read_csv(archive, "systems/crm_db/Leads_2024.csv")[1] == ["Ann", "'+243 81 000 0000"]


def test_it_escapes_values_in_the_summary() -> None:
    page = open_archive().read("summary.html").decode()
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"\b(src|href)=", page)  # nothing to load: it opens offline


def test_it_names_files_safely_and_distinctly() -> None:
    for name in open_archive().namelist():
        assert re.fullmatch(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*", name), name
        assert ".." not in name


def test_the_same_export_gives_the_same_bytes() -> None:
    assert build_archive(EXPORT) == build_archive(replace(EXPORT))
    archive = open_archive()
    assert archive.namelist() == sorted(archive.namelist())
    assert {entry.date_time for entry in archive.infolist()} == {(2026, 11, 23, 12, 0, 0)}


@pytest.mark.parametrize(
    ("language", "title", "kept"),
    [
        ("en", "Your personal data", "What we keep, and why"),
        ("fr", "Vos données personnelles", "Ce que nous conservons, et pourquoi"),
        ("ru", "Ваши персональные данные", "Что мы храним и почему"),
    ],
)
def test_it_writes_the_summary_in_the_requests_language(
    language: str, title: str, kept: str
) -> None:
    page = open_archive(replace(EXPORT, language=language)).read("summary.html").decode()
    assert f'<html lang="{language}">' in page
    assert f"<h1>{title}</h1>" in page
    assert kept in page
    assert "accounting law: 10 years" in page and "2036-11-23" in page
    assert "NTOPROG" in page and "ann@example.org" in page


def test_it_refuses_a_kind_that_is_no_export() -> None:
    with pytest.raises(ValueError, match="kind"):
        replace(EXPORT, kind="erasure")
