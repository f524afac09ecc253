"""`/admin/analytics` and its CSV: the audience over a range of days, from the daily
aggregates, with the chart drawn here as SVG (no script: the CSP allows none of a third
party's, and the numbers never leave the server)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from privet import __version__
from privet.analytics.stats import Day, Stats, stats
from privet.web.auth import Staff, require
from privet.web.errors import ApiError
from privet.web.templating import templates

router = APIRouter(prefix="/admin", include_in_schema=False)

Viewer = Annotated[Staff, Depends(require("viewer"))]
# Strings, parsed here: a bad date is a page saying which field, not a bare 422.
From = Annotated[str, Query(alias="from", max_length=20)]
To = Annotated[str, Query(alias="to", max_length=20)]

DEFAULT_DAYS = 30
LONGEST = timedelta(days=5 * 366)  # past that, the page would be a wall of points
CHART_WIDTH, CHART_HEIGHT = 720, 160


@dataclass(frozen=True)
class Column:
    x: float
    width: float
    day: Day


@dataclass(frozen=True)
class Chart:
    views: str  # polyline points
    visitors: str
    columns: list[Column]  # one a day, for its tooltip
    tallest: int
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT


@router.get("/analytics")
def analytics_page(request: Request, staff: Viewer, start: From = "", end: To = "") -> HTMLResponse:
    found = _stats(request, start, end)
    context = {"stats": found, "chart": chart(found.days), "staff": staff, "version": __version__}
    return templates.TemplateResponse(request, "analytics/dashboard.html", context)


@router.get("/analytics.csv")
def analytics_csv(request: Request, staff: Viewer, start: From = "", end: To = "") -> Response:
    found = _stats(request, start, end)
    body = io.StringIO()
    writer = csv.writer(body)
    writer.writerow(["day", "visitors", "pageviews", "average_duration_s", "consent_rate"])
    for day in found.days:
        writer.writerow([day.day.isoformat(), day.visitors, day.pageviews,
                         _number(day.average_duration_s), _number(day.consent_rate)])  # fmt: skip
    name = f"analytics-{found.start}-{found.end}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def _stats(request: Request, start: str, end: str) -> Stats:
    state = request.app.state
    today = state.clock.now().date()
    last = _date("to", end) or today
    first = _date("from", start) or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise ApiError(400, "invalid_request", "from: the range must start before it ends")
    if last - first > LONGEST:
        raise ApiError(400, "invalid_request", "from: a range covers five years at most")
    with state.store.transaction() as session:
        return stats(session, first, last)


def _date(field: str, given: str) -> date | None:
    if not given.strip():
        return None
    try:
        return date.fromisoformat(given.strip())
    except ValueError:
        message = f"{field}: write the date as YYYY-MM-DD, e.g. 2026-11-01"
        raise ApiError(400, "invalid_request", message, {field: "not a date"}) from None


def chart(days: list[Day]) -> Chart:
    """Views and visitors a day as two lines, scaled to the busiest day."""
    tallest = max(day.pageviews for day in days) or 1
    step = CHART_WIDTH / len(days)
    columns = [Column(index * step, step, day) for index, day in enumerate(days)]
    views = [_point(column, column.day.pageviews, tallest) for column in columns]
    visitors = [_point(column, column.day.visitors, tallest) for column in columns]
    return Chart(" ".join(views), " ".join(visitors), columns, tallest)


def _point(column: Column, count: int, tallest: int) -> str:
    return f"{column.x + column.width / 2:.1f},{CHART_HEIGHT - count * CHART_HEIGHT / tallest:.1f}"
