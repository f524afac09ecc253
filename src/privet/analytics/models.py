"""Page views as collected, before they are rolled up: the "browsing logs" of the policies."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, LargeBinary, String
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


class Salt(Base):
    """Today's secret for cookieless visitor hashes (Plausible's scheme). Yesterday's is
    deleted as soon as today's exists, so a hash can never be recomputed, and one
    visitor's hashes on two days cannot be linked."""

    __tablename__ = "analytics_salts"

    day: Mapped[date] = mapped_column(primary_key=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary)


class DayTotals(Base):
    """One day's numbers, rolled up from its page views and consent receipts. It names no
    one (counts only), so no retention rule applies: it outlives the raw rows it came from.

    `final` is set when the day was rolled up after it ended (durations arrive the same
    day only): `roll_up_due` never recomputes a final day, so anonymising its raw rows
    later cannot lower its visitor count."""

    __tablename__ = "analytics_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    visitors: Mapped[int]  # distinct visitor values that day
    pageviews: Mapped[int]
    duration_ms_sum: Mapped[int] = mapped_column(BigInteger)
    durations: Mapped[int]  # page views whose duration was reported
    decisions: Mapped[int]  # consent receipts recorded that day
    analytics_grants: Mapped[int]  # of which granted an analytics cookie category
    rolled_up_at: Mapped[datetime]
    final: Mapped[bool]


class DayValue(Base):
    """One value of a dimension (a page, a referrer, a country, a browser, a device) on one
    day, with the same counts. At most `rollup.TOP_VALUES` a dimension a day are kept; the
    rest are summed under OTHER, so the table grows with days, not with traffic."""

    __tablename__ = "analytics_day_values"

    # Dimension first: the dashboard reads one dimension over a range of days.
    dimension: Mapped[str] = mapped_column(String(10), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    value: Mapped[str] = mapped_column(String(500), primary_key=True)  # "" when unknown
    visitors: Mapped[int]
    pageviews: Mapped[int]
    duration_ms_sum: Mapped[int] = mapped_column(BigInteger)
    durations: Mapped[int]
