"""`/metrics`: the figures a monitor watches, in Prometheus's text format (version 0.0.4).

Counts and times only, never anything about a person. Staff only (a viewer's API token
in the scraper's `Authorization: Bearer` header): the figures are the company's business.
Figures read from the database are the same from every `privet serve` process; the
request counter is each process's own, so a monitor scrapes every process.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from privet import __version__
from privet.auditlog.models import AuditEntry
from privet.backup.copies import newest
from privet.notify.models import OutboxMessage
from privet.notify.service import MAX_ATTEMPTS
from privet.retention.models import SweepRun
from privet.retention.watch import last_success
from privet.rights.models import DataRequest
from privet.web.auth import require
from privet.web.errors import error_responses

router = APIRouter(tags=["health"])

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Any other method a client makes up is counted as "other": labels must stay few.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestCounts:
    """Requests this process answered, by method, route template and status class.

    Written by the event loop, read by /metrics in a worker thread: hence the lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str, str]] = Counter()

    def add(self, method: str, route: str, status: int) -> None:
        key = (method if method in METHODS else "other", route, f"{status // 100}xx")
        with self._lock:
            self._counts[key] += 1

    def snapshot(self) -> list[tuple[tuple[str, str, str], int]]:
        with self._lock:
            return sorted(self._counts.items())


@dataclass(frozen=True)
class Figure:
    name: str
    help: str
    kind: Literal["gauge", "counter"] = "gauge"
    samples: list[tuple[dict[str, str], float]] = field(default_factory=list)


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    dependencies=[Depends(require("viewer"))],
    responses=error_responses(401, 403, 503),
)
def metrics(request: Request) -> PlainTextResponse:
    state = request.app.state
    with state.store.transaction() as session:
        figures = _stored_figures(session, state.clock.now())
    figures += [
        _backup_figure(state.settings.backup_dir),
        _request_figure(state.request_counts),
        Figure("privet_build_info", "The privet version this process runs.",
               samples=[({"version": __version__}, 1)]),
    ]  # fmt: skip
    return PlainTextResponse(exposition(figures), media_type=CONTENT_TYPE)


def exposition(figures: list[Figure]) -> str:
    lines = []
    for figure in figures:
        lines.append(f"# HELP {figure.name} {_escape_help(figure.help)}")
        lines.append(f"# TYPE {figure.name} {figure.kind}")
        lines += [f"{figure.name}{_labels(labels)} {_number(value)}"
                  for labels, value in figure.samples]  # fmt: skip
    return "\n".join(lines) + "\n"


def _stored_figures(session: Session, now: datetime) -> list[Figure]:
    success = last_success(session)
    latest = session.scalars(
        select(SweepRun.status)
        .where(SweepRun.status != "running")
        .order_by(SweepRun.started_at.desc())
    ).first()
    unsent = OutboxMessage.sent_at.is_(None)
    open_ = DataRequest.status == "open"
    return [
        _single("privet_sweep_last_success_timestamp_seconds",
                "When the last retention sweep completed (0: never).",
                success.timestamp() if success else 0),
        _single("privet_sweep_last_failed", "1 if the last finished retention sweep failed.",
                1 if latest == "failed" else 0),
        _single("privet_requests_open", "Verified data-subject requests not yet answered.",
                _count(session, open_)),
        _single("privet_requests_overdue", "Open data-subject requests past their deadline.",
                _count(session, open_, DataRequest.due_at < now)),
        _single("privet_outbox_queued", "Emails waiting to be sent, retries included.",
                _count(session, unsent, OutboxMessage.attempts < MAX_ATTEMPTS)),
        _single("privet_outbox_failed",
                f"Emails given up after {MAX_ATTEMPTS} failed attempts, never sent.",
                _count(session, unsent, OutboxMessage.attempts >= MAX_ATTEMPTS)),
        _single("privet_audit_log_entries", "Entries in the audit log.",
                session.scalar(select(func.count()).select_from(AuditEntry)) or 0),
    ]  # fmt: skip


def _backup_figure(folder: Path | None) -> Figure:
    taken = newest(folder) if folder is not None else None
    return _single(
        "privet_backup_last_success_timestamp_seconds",
        "When the newest backup in PRIVET_BACKUP_DIR was taken (0: none, or no folder set).",
        taken.timestamp() if taken else 0,
    )


def _request_figure(counts: RequestCounts) -> Figure:
    samples: list[tuple[dict[str, str], float]] = [
        ({"method": method, "route": route, "status": status}, count)
        for (method, route, status), count in counts.snapshot()
    ]
    return Figure(
        "privet_http_requests_total",
        "HTTP requests answered by this process since it started, by method, route "
        "template and status class. Each privet serve process counts its own: scrape each.",
        "counter",
        samples,
    )


def _single(name: str, help_: str, value: float) -> Figure:
    return Figure(name, help_, samples=[({}, value)])


def _count(session: Session, *conditions: ColumnElement[bool]) -> int:
    return session.scalar(select(func.count()).where(*conditions)) or 0


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    inner = ",".join(f'{name}="{_escape_value(value)}"' for name, value in labels.items())
    return "{" + inner + "}"


def _escape_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _number(value: float) -> str:
    # Counts print as integers; times keep their fraction of a second.
    return str(value) if isinstance(value, float) else str(int(value))
