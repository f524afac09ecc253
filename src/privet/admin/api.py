"""The staff part of the JSON API: who am I, for scripts holding a bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from privet.web.auth import Staff, require
from privet.web.errors import error_responses

router = APIRouter(tags=["staff"])


class Me(BaseModel):
    email: str
    role: str
    via: str


@router.get("/staff/me", responses=error_responses(401, 403, 503))
def me(staff: Annotated[Staff, Depends(require("viewer"))]) -> Me:
    return Me(email=staff.email, role=staff.role, via="session" if staff.csrf_token else "token")
