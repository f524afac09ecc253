"""Staff accounts: creating them, passwords, login sessions and API tokens."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from privet.admin.models import ApiToken, StaffSession, StaffUser
from privet.admin.roles import ROLES
from privet.policy.schema import Policy
from privet.subjects.service import email_index

SESSION_LIFETIME = timedelta(hours=12)
TOKEN_PREFIX = "pvt_"  # noqa: S105  # a marker that makes leaked tokens greppable, not a secret
MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()
# Verified against when the address is unknown, so a login takes as long either way.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe())


class StaffError(ValueError):
    pass


@dataclass(frozen=True)
class Login:
    user: StaffUser
    token: str
    csrf_token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(session: Session, email: str, role: str, password: str, now: datetime) -> StaffUser:
    if role not in ROLES:
        raise StaffError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
    if find_user(session, email) is not None:
        raise StaffError("a staff user with that email already exists")
    user = StaffUser(
        email_index=email_index(session, email),
        email=email.strip(),
        role=role,
        password_hash=_hasher.hash(password),
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, email: str) -> StaffUser | None:
    query = select(StaffUser).where(StaffUser.email_index == email_index(session, email))
    return session.scalars(query).one_or_none()


def authenticate(session: Session, email: str, password: str) -> StaffUser | None:
    user = find_user(session, email)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerifyMismatchError, InvalidHashError):
        return None
    if user is None or user.disabled_at is not None:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def start_session(session: Session, user: StaffUser, now: datetime) -> Login:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            token_hash=_digest(token),
            user_id=user.id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    return Login(user, token, csrf)


def find_session(session: Session, token: str, now: datetime) -> StaffSession | None:
    found = session.scalars(
        select(StaffSession).where(StaffSession.token_hash == _digest(token))
    ).one_or_none()
    if found is None or found.expires_at <= now or found.user.disabled_at is not None:
        return None
    return found


def end_session(session: Session, token: str) -> None:
    found = session.scalars(select(StaffSession).where(StaffSession.token_hash == _digest(token)))
    for staff_session in found:
        session.delete(staff_session)


def create_api_token(session: Session, user: StaffUser, name: str, now: datetime) -> str:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(token_hash=_digest(token), user_id=user.id, name=name, created_at=now))
    return token


def find_api_token(session: Session, token: str, now: datetime) -> ApiToken | None:
    found = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == _digest(token))
    ).one_or_none()
    if found is None or found.revoked_at is not None or found.user.disabled_at is not None:
        return None
    found.last_used_at = now
    return found


def revoke_api_token(session: Session, token_id: uuid.UUID, now: datetime) -> bool:
    found = session.get(ApiToken, token_id)
    if found is None or found.revoked_at is not None:
        return False
    found.revoked_at = now
    return True


def officer_addresses(session: Session, policy: Policy) -> list[str]:
    """Who is told when something needs a person: officers and admins, or with none set
    up yet, the policy's rights contact."""
    query = select(StaffUser).where(
        StaffUser.role.in_(("officer", "admin")), StaffUser.disabled_at.is_(None)
    )
    return [user.email for user in session.scalars(query)] or [policy.rights.contact]
