"""Errors as people and programs meet them: JSON under /api, a plain page elsewhere.

Every error has a stable `code`, a `message` and, for bad input, the `fields` at fault.
No message ever repeats the value that was sent: it may be personal data.
"""

from __future__ import annotations

import logging
import traceback
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException

from privet.store.unavailable import READ_ONLY, STORAGE_FULL, UNREACHABLE, why_unavailable
from privet.web.middleware import route_template
from privet.web.templating import templates

log = logging.getLogger(__name__)
# The innermost frames of an unexpected error that the log names.
TRACEBACK_FRAMES = 8
# How long a client should wait when the database cannot serve: a freed disk or a failover
# takes minutes, and sooner retries only add load.
RETRY_AFTER_SECONDS = 60
UNAVAILABLE_MESSAGES = {
    STORAGE_FULL: "The database is full: nothing was stored. Try again later.",
    READ_ONLY: "The database is read-only for now: nothing was stored. Try again later.",
    # Not "nothing was stored": a connection lost during COMMIT leaves that unknown.
    UNREACHABLE: "The database does not answer. Try again later.",
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer"},
    }
}


class ApiError(Exception):
    """An error a route raises on purpose, with the code clients can rely on."""

    def __init__(
        self, status: int, code: str, message: str, fields: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable: what clients may branch on.")
    message: str = Field(description="For people; never repeats a value that was sent.")
    fields: dict[str, str] | None = Field(None, description="Bad input: each field at fault.")


class ErrorOut(BaseModel):
    error: ErrorDetail


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """A route's `responses=`: the error statuses it may answer, each with the error shape,
    so that /openapi.json tells clients every answer they can get."""
    declared: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        declared[status] = {"model": ErrorOut, "description": HTTPStatus(status).phrase}
        if status in (429, 503):
            declared[status]["headers"] = RETRY_AFTER
    return declared


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def _respond(request: Request, status: int, code: str, message: str, **extra: Any) -> Response:
    headers = extra.pop("headers", None)
    if request.url.path.startswith("/api/") or request.url.path == "/healthz":
        return JSONResponse(error_body(code, message, **extra), status, headers=headers)
    context = {"status": status, "title": HTTPStatus(status).phrase, "message": message}
    return templates.TemplateResponse(request, "error.html", context, status, headers=headers)


def _field_name(location: tuple[Any, ...]) -> str:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


async def _invalid_request(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    fields: dict[str, str] = {}
    for detail in error.errors():
        fields.setdefault(_field_name(tuple(detail["loc"])), detail["msg"])
    message = f"{len(fields)} field(s) are not valid: {', '.join(fields)}"
    return _respond(request, 422, "invalid_request", message, fields=fields)


async def _api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return _respond(request, error.status, error.code, error.message, fields=error.fields)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    phrase = HTTPStatus(error.status_code).phrase
    code = phrase.lower().replace(" ", "_").replace("-", "_")
    message = error.detail if isinstance(error.detail, str) else phrase
    return _respond(request, error.status_code, code, message, headers=error.headers)


async def _database_error(request: Request, error: Exception) -> Response:
    unavailable = why_unavailable(error)
    if unavailable is None:
        raise error  # a bug, not a passing condition: _unexpected logs it and answers 500
    # The codes only, never the message: PostgreSQL quotes the row that failed.
    log.warning(
        "database_unavailable",
        extra={"route": route_template(request.scope), "reason": unavailable.reason,
               "error": type(getattr(error, "orig", error)).__name__, "code": unavailable.code},
    )  # fmt: skip
    message = UNAVAILABLE_MESSAGES[unavailable.reason]
    headers = {"retry-after": str(RETRY_AFTER_SECONDS)}
    return _respond(request, 503, unavailable.reason, message, headers=headers)


async def _unexpected(request: Request, error: Exception) -> Response:
    # Where it happened, never what it said: an exception's text may quote a value (a
    # database quotes the failing row), and the log must hold no personal data.
    where = [f"{frame.filename}:{frame.lineno} {frame.name}" for frame in _frames(error)]
    log.error(
        "unhandled_error",
        extra={"route": route_template(request.scope), "error": type(error).__name__,
               "where": where},
    )  # fmt: skip
    return _respond(request, 500, "internal_error", "Something went wrong on our side.")


def _frames(error: Exception) -> list[traceback.FrameSummary]:
    return list(traceback.extract_tb(error.__traceback__))[-TRACEBACK_FRAMES:]


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(SQLAlchemyError, _database_error)
    app.add_exception_handler(Exception, _unexpected)
