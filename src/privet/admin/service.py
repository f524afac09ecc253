"""Staff accounts: creating them, passwords, second factors, login sessions and API tokens."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from privet.admin import totp
from privet.admin.models import ApiToken, StaffSession, StaffUser
from privet.admin.roles import ROLES
from privet.auditlog import service as auditlog
from privet.policy.schema import Policy
from privet.subjects.service import email_index, email_indexes

SESSION_LIFETIME = timedelta(hours=12)
# A session left unused this long ends before its lifetime: a forgotten tab signs out.
SESSION_IDLE = timedelta(hours=2)
# Using a session moves its idle clock only this often: not a write on every page.
SESSION_TOUCH = timedelta(minutes=1)
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


def set_password(
    session: Session, user: StaffUser, password: str, now: datetime,
    staff_id: uuid.UUID | None = None,
) -> int:  # fmt: skip
    """Give `user` a new password and end their sessions (one may be what leaked it);
    returns how many were ended. Their API tokens stay: `privet admin revoke-token`."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = _hasher.hash(password)
    ending = delete(StaffSession).where(StaffSession.user_id == user.id)
    ended = session.connection().execute(ending).rowcount  # the connection's has a rowcount
    auditlog.record(session, staff_id or auditlog.SHELL, "password_set", now,
                    target=("staff_user", user.id), details={"sessions_ended": ended})  # fmt: skip
    return ended


def find_user(session: Session, email: str) -> StaffUser | None:
    query = select(StaffUser).where(StaffUser.email_index.in_(email_indexes(session, email)))
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
            last_seen_at=now,
        )
    )
    return Login(user, token, csrf)


def find_session(session: Session, token: str, now: datetime) -> StaffSession | None:
    found = session.scalars(
        select(StaffSession).where(StaffSession.token_hash == _digest(token))
    ).one_or_none()
    if found is None or found.expires_at <= now or found.user.disabled_at is not None:
        return None
    if found.last_seen_at + SESSION_IDLE <= now:
        return None
    if found.last_seen_at + SESSION_TOUCH <= now:
        found.last_seen_at = now
    return found


def sweep_sessions(session: Session, now: datetime) -> None:
    """Delete sessions past their lifetime or left idle: run at each sign-in."""
    ended = or_(StaffSession.expires_at <= now, StaffSession.last_seen_at <= now - SESSION_IDLE)
    session.execute(delete(StaffSession).where(ended))


def end_session(session: Session, token: str) -> None:
    found = session.scalars(select(StaffSession).where(StaffSession.token_hash == _digest(token)))
    for staff_session in found:
        session.delete(staff_session)


def create_api_token(
    session: Session, user: StaffUser, name: str, now: datetime, *,
    scope: str | None = None, expires_at: datetime | None = None,
) -> str:  # fmt: skip
    """A new token, returned once. Its scope defaults to the owner's role and may not
    exceed it; `privet admin create-token` asks for viewer unless told otherwise."""
    scope = scope or user.role
    if scope not in ROLES:
        raise StaffError(f"scope must be one of {', '.join(ROLES)}")
    if _rank(scope) > _rank(user.role):
        raise StaffError(f"a token's scope cannot be above its owner's role ({user.role})")
    if expires_at is not None and expires_at <= now:
        raise StaffError("a token must expire in the future")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(token_hash=_digest(token), user_id=user.id, name=name, scope=scope,
                         created_at=now, expires_at=expires_at))  # fmt: skip
    return token


def find_api_token(session: Session, token: str, now: datetime) -> ApiToken | None:
    found = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == _digest(token))
    ).one_or_none()
    if found is None or found.revoked_at is not None or found.user.disabled_at is not None:
        return None
    if found.expires_at is not None and found.expires_at <= now:
        return None
    found.last_used_at = now
    return found


def token_role(token: ApiToken) -> str:
    """What a token may do: its scope, or less if its owner's role was lowered since."""
    return min(token.scope, token.user.role, key=_rank)


def _rank(role: str) -> int:
    # An unknown role ranks below viewer, so it is allowed nothing (see roles.may).
    return ROLES.index(role) if role in ROLES else -1


def list_api_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.created_at)))


def revoke_api_token(
    session: Session, token_id: uuid.UUID, now: datetime, staff_id: uuid.UUID | None = None
) -> bool:
    """Revoke a token at once; `staff_id` None means `privet admin` in a shell."""
    found = session.get(ApiToken, token_id)
    if found is None or found.revoked_at is not None:
        return False
    found.revoked_at = now
    auditlog.record(session, staff_id or auditlog.SHELL, "token_revoked", now,
                    target=("api_token", token_id))  # fmt: skip
    return True


def enable_totp(
    session: Session, user: StaffUser, now: datetime, staff_id: uuid.UUID | None = None
) -> str:
    """Turn the second factor on; returns the new secret, to be shown once."""
    if user.totp_secret is not None:
        raise StaffError("a second factor is already on: turn it off first to replace it")
    user.totp_secret, user.totp_last_step = totp.new_secret(), None
    auditlog.record(session, staff_id or auditlog.SHELL, "totp_enabled", now,
                    target=("staff_user", user.id))  # fmt: skip
    return user.totp_secret


def disable_totp(
    session: Session, user: StaffUser, now: datetime, staff_id: uuid.UUID | None = None
) -> bool:
    if user.totp_secret is None:
        return False
    user.totp_secret, user.totp_last_step = None, None
    auditlog.record(session, staff_id or auditlog.SHELL, "totp_disabled", now,
                    target=("staff_user", user.id))  # fmt: skip
    return True


def second_factor_passes(session: Session, user: StaffUser, code: str, now: datetime) -> bool:
    """True without a second factor; with one, for a right code not used before."""
    if user.totp_secret is None:
        return True
    step = totp.matching_step(user.totp_secret, code.strip(), now, user.totp_last_step)
    if step is None:
        return False
    # A conditional UPDATE: of two sign-ins with one code at once, only one claims its step.
    claim = (
        update(StaffUser)
        .where(StaffUser.id == user.id)
        .where(or_(StaffUser.totp_last_step.is_(None), StaffUser.totp_last_step < step))
        .values(totp_last_step=step)
    )
    claimed = session.connection().execute(claim).rowcount == 1
    session.refresh(user, ["totp_last_step"])
    return claimed


def officer_addresses(session: Session, policy: Policy) -> list[str]:
    """Who is told when something needs a person: officers and admins, or with none set
    up yet, the policy's rights contact."""
    query = select(StaffUser).where(
        StaffUser.role.in_(("officer", "admin")), StaffUser.disabled_at.is_(None)
    )
    return [user.email for user in session.scalars(query)] or [policy.rights.contact]
