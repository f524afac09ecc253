"""`/healthz`: is the database answering, and which policy is in force."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from privet.web.errors import ApiError, error_responses

router = APIRouter(tags=["health"])


@router.get("/healthz", responses=error_responses(503))
def health(request: Request) -> dict[str, str]:
    try:
        with request.app.state.store.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        raise ApiError(503, "database_unavailable", "the database does not answer") from None
    return {"status": "ok", "policy_version": request.app.state.policy.policy.version}
