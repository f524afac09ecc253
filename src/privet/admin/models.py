"""Staff who work privet: users with a role, their login sessions, their API tokens, and
the failed sign-ins that throttle guessing."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from privet.store.base import Base, RandomId
from privet.store.types import Encrypted


class StaffUser(RandomId, Base):
    __tablename__ = "staff_users"

    # Staff addresses are personal data too: blind-indexed and encrypted like a subject's.
    email_index: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(Encrypted("staff_users.email"))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]
    disabled_at: Mapped[datetime | None]
    # The TOTP secret (base32) when a second factor is on; encrypted like any secret at rest.
    totp_secret: Mapped[str | None] = mapped_column(Encrypted("staff_users.totp_secret"))
    # The last 30-second step a code was accepted for: a code is good once, never replayed.
    totp_last_step: Mapped[int | None]


class StaffSession(RandomId, Base):
    """A browser login; the cookie holds a random token, the table only its hash."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    # Moved forward as the session is used; a session left idle too long ends early.
    last_seen_at: Mapped[datetime]

    user: Mapped[StaffUser] = relationship(lazy="joined")


class ApiToken(RandomId, Base):
    """A bearer token for the API, shown once on creation and stored only as a hash."""

    __tablename__ = "api_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    # The most the token may do: a role no higher than its owner's, who may lose rights later.
    scope: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[StaffUser] = relationship(lazy="joined")


class LoginAttempt(RandomId, Base):
    """A failed sign-in, once for the account tried and once for the client it came from.

    `key` is an HMAC under privet's key, of the address tried or of the client's address:
    never either in clear, and an unknown address counts like a known one. Rows older than
    the longest throttle window are deleted as new failures come in.
    """

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_key_attempted_at", "key", "attempted_at"),)

    key: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime] = mapped_column(index=True)
