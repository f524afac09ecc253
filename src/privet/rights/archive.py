"""The archive a data subject receives: data.json, a CSV file per table, a page to read.

data.json is the structured, machine-readable copy that portability asks for (GDPR
art. 20(1)); the CSV files open in a spreadsheet; summary.html is the same data for a person
(art. 15(3)). Everything is a pure function of the SubjectExport, and the same export gives
the same bytes, so an archive can be rebuilt later to show exactly what was sent.
The layout and every convention are documented in docs/export.md.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import math
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from jinja2 import Environment, PackageLoader

FORMAT = "privet-export/1"
EXPORT_KINDS = ("access", "portability")
Row = Mapping[str, Any]
Table = Mapping[str, Sequence[Row]]

# A spreadsheet runs a text cell starting with one of these as a formula (OWASP's "CSV
# injection"); an apostrophe in front makes it text. The apostrophe itself is in the list so
# that dropping one leading apostrophe always gives the value back.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
UNSAFE_IN_NAMES = re.compile(r"[^A-Za-z0-9_.-]")
KEPT_COLUMNS = ("record", "reason", "until")
NAME_LENGTH = 100  # well under every file system's limit, with room for "-2" and ".csv"

# How each type that JSON lacks is written; anything not listed is refused rather than
# guessed at (a set, say, has no order, so it would not give the same bytes twice).
SPELLINGS: tuple[tuple[tuple[type, ...], Callable[[Any], Any]], ...] = (
    ((datetime, date, time), lambda value: value.isoformat()),
    ((uuid.UUID, Decimal), str),
    ((bytes, bytearray, memoryview), lambda value: base64.b64encode(value).decode("ascii")),
)

TEMPLATES = Environment(
    loader=PackageLoader("privet", "rights/templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class SubjectExport:
    generated_at: datetime
    request_id: str | None
    kind: str
    language: str
    controller: Mapping[str, Any]  # the policy's controller: name, email, address...
    email: str
    records: Table  # privet's own record types ("subject", "submissions"...) -> rows
    systems: Mapping[str, Table]  # connected system -> collection -> rows
    # Not erased, and why: {"record", "reason", "until"}, as the erasure reports it.
    kept: Sequence[Mapping[str, str]] = field(default=())

    def __post_init__(self) -> None:
        if self.kind not in EXPORT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(EXPORT_KINDS)}, not {self.kind!r}")


def export_document(export: SubjectExport) -> dict[str, Any]:
    """The content of data.json, described by export_schema.json."""
    return {
        "format": FORMAT,
        "generated_at": export.generated_at.isoformat(),
        "request": {"id": export.request_id, "kind": export.kind},
        "controller": _json_safe(export.controller),
        "subject": {"email": export.email},
        "records": _json_safe(export.records),
        "systems": _json_safe(export.systems),
        "kept": _json_safe(export.kept),
    }


def build_archive(export: SubjectExport) -> bytes:
    document = export_document(export)
    files = {
        "data.json": json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False).encode(),
        "summary.html": _summary(export, document).encode(),
    }
    files |= _csv_files("records", document["records"])
    for system, folder in _file_names(document["systems"]).items():
        files |= _csv_files(f"systems/{folder}", document["systems"][system])
    return _zip(files, export.generated_at)


def _json_safe(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return json.dumps(value)  # "NaN", "Infinity": JSON has no such numbers, so as text
    if value is None or isinstance(value, str | int | float):
        return value
    for types, spell in SPELLINGS:
        if isinstance(value, types):
            return spell(value)
    raise TypeError(f"an export cannot hold a {type(value).__name__}")


def _file_names(names: Iterable[str]) -> dict[str, str]:
    """A safe file name for each name, distinct even where case does not count (macOS)."""
    chosen: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(names):
        base = UNSAFE_IN_NAMES.sub("_", name).lstrip(".")[:NAME_LENGTH] or "_"
        candidate, number = base, 1
        while candidate.casefold() in taken:
            number += 1
            candidate = f"{base}-{number}"
        taken.add(candidate.casefold())
        chosen[name] = candidate
    return chosen


def _csv_files(folder: str, tables: Mapping[str, list[dict[str, Any]]]) -> dict[str, bytes]:
    filled = {name: rows for name, rows in tables.items() if rows}
    return {
        f"{folder}/{file_name}.csv": _csv_bytes(filled[name])
        for name, file_name in _file_names(filled).items()
    }


def _csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    columns = _columns(rows)
    out = io.StringIO()
    writer = csv.writer(out)  # RFC 4180: quoted where needed, CRLF line ends
    writer.writerow([_guard(column) for column in columns])
    for row in rows:
        writer.writerow([_csv_cell(row.get(column)) for column in columns])
    # The byte order mark makes spreadsheets read UTF-8 rather than the local code page,
    # which would garble every accent and every Cyrillic letter.
    return out.getvalue().encode("utf-8-sig")


def _columns(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    return list(dict.fromkeys(key for row in rows for key in row))


def _cell_text(value: Any) -> str:
    """A JSON-safe value as one cell: text as it is, anything else as compact JSON."""
    if value is None or isinstance(value, str):
        return value or ""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _csv_cell(value: Any) -> str:
    # Only text is guarded: a number such as -5 is no formula and stays a number.
    return _guard(value) if isinstance(value, str) else _cell_text(value)


def _guard(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _zip(files: Mapping[str, bytes], generated_at: datetime) -> bytes:
    # ZIP times have no zone: UTC, so the archive does not depend on where it was built.
    moment = generated_at.astimezone(UTC) if generated_at.tzinfo else generated_at
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in sorted(files):
            entry = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # Unix everywhere: ZipInfo would otherwise say Windows there
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, files[name])
    return out.getvalue()


@dataclass(frozen=True)
class _HtmlTable:
    title: str
    columns: list[str]
    rows: list[list[str]]


def _html_table(title: str, rows: list[dict[str, Any]]) -> _HtmlTable:
    columns = _columns(rows)
    cells = [[_cell_text(row.get(column)) for column in columns] for row in rows]
    return _HtmlTable(title, columns, cells)


def _summary(export: SubjectExport, document: Mapping[str, Any]) -> str:
    language = export.language if export.language in WORDS else "en"
    words, titles = WORDS[language], RECORD_TITLES[language]
    records = [
        _html_table(titles.get(name, name), rows) for name, rows in document["records"].items()
    ]
    systems = {
        system: [_html_table(collection, rows) for collection, rows in collections.items()]
        for system, collections in document["systems"].items()
    }
    intro = words["intro"].format(
        controller=document["controller"].get("name", ""),
        email=export.email,
        date=document["generated_at"][:10],
    )
    return TEMPLATES.get_template("rights/export_summary.html").render(
        lang=language,
        words=words,
        intro=intro,
        controller=document["controller"],
        records=records,
        systems=systems,
        kept=_HtmlTable(
            words["kept"],
            [words[column] for column in KEPT_COLUMNS],
            [[note.get(column, "") for column in KEPT_COLUMNS] for note in document["kept"]],
        ),
    )


WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Your personal data",
        "intro": "This is the personal data that {controller} holds about {email}, as of "
        "{date}. The file data.json in this archive holds the same data in a machine-readable "
        "form, and the folders records and systems hold it as spreadsheets (CSV).",
        "controller": "Who holds it",
        "records": "Our records",
        "systems": "Our other systems",
        "kept": "What we keep, and why",
        "record": "Data",
        "reason": "Reason",
        "until": "Kept until",
        "nothing": "No data.",
    },
    "fr": {
        "title": "Vos données personnelles",
        "intro": "Voici les données personnelles que {controller} détient à propos de "
        "{email}, à la date du {date}. Le fichier data.json de cette archive contient les "
        "mêmes données dans un format lisible par machine, et les dossiers records et systems "
        "les contiennent sous forme de tableaux (CSV).",
        "controller": "Responsable du traitement",
        "records": "Nos registres",
        "systems": "Nos autres systèmes",
        "kept": "Ce que nous conservons, et pourquoi",
        "record": "Données",
        "reason": "Motif",
        "until": "Conservées jusqu'au",
        "nothing": "Aucune donnée.",
    },
    "ru": {
        "title": "Ваши персональные данные",
        "intro": "Здесь собраны персональные данные, которые {controller} хранит о владельце "
        "адреса {email}, по состоянию на {date}. Файл data.json в этом архиве содержит те же "
        "данные в машиночитаемом виде, а папки records и systems — в виде таблиц (CSV).",
        "controller": "Оператор персональных данных",
        "records": "Наши записи",
        "systems": "Другие наши системы",
        "kept": "Что мы храним и почему",
        "record": "Данные",
        "reason": "Основание",
        "until": "Хранятся до",
        "nothing": "Нет данных.",
    },
}

# privet's own record types; a type not named here is shown under its own name.
RECORD_TITLES: dict[str, dict[str, str]] = {
    "en": {
        "subject": "Your profile",
        "submissions": "Forms you sent",
        "consent_receipts": "Your cookie choices",
        "marketing_consents": "Your marketing consents",
        "contracts": "Contracts",
        "requests": "Your privacy requests",
    },
    "fr": {
        "subject": "Votre profil",
        "submissions": "Formulaires envoyés",
        "consent_receipts": "Vos choix relatifs aux cookies",
        "marketing_consents": "Vos consentements à la prospection",
        "contracts": "Contrats",
        "requests": "Vos demandes relatives à vos données",
    },
    "ru": {
        "subject": "Ваш профиль",
        "submissions": "Отправленные формы",
        "consent_receipts": "Ваш выбор по cookie",
        "marketing_consents": "Ваши согласия на рекламные рассылки",
        "contracts": "Договоры",
        "requests": "Ваши запросы о персональных данных",
    },
}
