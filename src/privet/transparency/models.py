"""Published policy versions: each one exactly as people could read it, kept for good."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from privet.store.base import Base, RandomId


class PolicyVersion(RandomId, Base):
    """One publication of the policy. Nothing in it is about a person: the text is the
    company's, and `published_by` names the command, never a member of staff.

    The rendered texts are stored, not rebuilt, so an old version reads word for word as
    published even after privet's wording changes; `content` (the policy as canonical JSON)
    is what "changed or not" and "what is new for consent" are decided on, comments aside.
    """

    __tablename__ = "policy_versions"

    # 1, 2, 3 … in order of publication: "the previous version" without trusting clocks.
    number: Mapped[int] = mapped_column(unique=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    effective: Mapped[date]
    published_at: Mapped[datetime]
    summary: Mapped[str] = mapped_column(Text)
    # The long columns load when read, so that listing versions stays light.
    source: Mapped[str] = mapped_column(Text, deferred=True)
    content: Mapped[str] = mapped_column(Text, deferred=True)
    # {language: {"md": …, "html": …}}, in the policy's languages as published.
    texts: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, deferred=True)
    published_by: Mapped[str] = mapped_column(String(100))
    notices_queued: Mapped[int] = mapped_column(default=0)
