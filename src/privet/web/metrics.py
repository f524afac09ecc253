"""`/metrics`: the figures a monitor watches, in Prometheus's text format.

Counts and times only, never anything about a person. Staff only (a viewer's API token
in the scraper's `Authorization: Bearer` header): the figures are the company's business.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from privet.notify.models import OutboxMessage
from privet.retention.models import SweepRun
from privet.retention.watch import last_success
from privet.rights.models import DataRequest
from privet.web.auth import require

router = APIRouter(tags=["health"])


@router.get("/metrics", response_class=PlainTextResponse, dependencies=[Depends(require("viewer"))])
def metrics(request: Request) -> str:
    now = request.app.state.clock.now()
    with request.app.state.store.transaction() as session:
        figures = _figures(session, now)
    return "".join(
        f"# HELP {name} {text}\n# TYPE {name} gauge\n{name} {value}\n"
        for name, text, value in figures
    )


def _figures(session: Session, now: datetime) -> list[tuple[str, str, float]]:
    success = last_success(session)
    latest = session.scalars(
        select(SweepRun.status)
        .where(SweepRun.status != "running")
        .order_by(SweepRun.started_at.desc())
    ).first()
    overdue = select(func.count()).where(DataRequest.status == "open", DataRequest.due_at < now)
    queued = select(func.count()).where(OutboxMessage.sent_at.is_(None))
    return [
        ("privet_sweep_last_success_timestamp_seconds",
         "When the last retention sweep completed (0: never).",
         success.timestamp() if success else 0),
        ("privet_sweep_last_failed", "1 if the last finished retention sweep failed.",
         1 if latest == "failed" else 0),
        ("privet_requests_overdue", "Open data-subject requests past their deadline.",
         session.scalar(overdue) or 0),
        ("privet_outbox_queued", "Emails waiting to be sent.", session.scalar(queued) or 0),
    ]  # fmt: skip
