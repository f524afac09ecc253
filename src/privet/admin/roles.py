"""Staff roles, from least to most trusted; each can do what the ones before it can."""

from __future__ import annotations

from typing import Literal, get_args

Role = Literal["viewer", "officer", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)


def may(role: str, minimum: Role) -> bool:
    return role in ROLES and ROLES.index(role) >= ROLES.index(minimum)
