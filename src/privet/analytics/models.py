"""Page views as collected, before they are rolled up: the "browsing logs" of the policies."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from privet.store.base import Base, RandomId


class Pageview(RandomId, Base):
    """One page view. There is no IP address column: it is reduced to a country before
    anything is written. The only identifying value is `visitor` (the consenting
    visitor's blind index, or in cookieless mode a hash under a salt deleted daily);
    anonymising a page view clears it and keeps the rest for statistics.

    On PostgreSQL the table is partitioned by month of `viewed_at`, so retention drops
    a whole expired month instead of deleting it row by row."""

    __tablename__ = "pageviews"

    viewed_at: Mapped[datetime] = mapped_column(index=True)
    path: Mapped[str] = mapped_column(String(500))
    referrer_host: Mapped[str | None] = mapped_column(String(255))
    viewport: Mapped[str | None] = mapped_column(String(10))  # mobile, tablet, desktop
    duration_ms: Mapped[int | None]
    country: Mapped[str | None] = mapped_column(String(2))
    browser: Mapped[str | None] = mapped_column(String(30))
    device: Mapped[str | None] = mapped_column(String(10))
    visitor: Mapped[str | None] = mapped_column(String(64), index=True)
    # In consent mode, the receipt that allowed this view: the audit checks it granted.
    consent_id: Mapped[uuid.UUID | None]
