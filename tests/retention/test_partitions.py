from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, func, select, text, update
from sqlalchemy.exc import DBAPIError

from conftest import make_settings
from privet.analytics.models import Pageview
from privet.clock import FixedClock
from privet.consent.models import ConsentReceipt
from privet.retention.partitions import (
    adopt_default,
    drop_months_before,
    ensure_months,
    is_partitioned,
)
from privet.store.migrate import alembic_config
from privet.store.open import Store, open_store


@pytest.fixture
def postgres_store(postgres_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Store]:
    opened = open_store(make_settings(tmp_path, postgres_url), clock)
    yield opened
    opened.close()


def at(month: int, day: int, hour: int = 12, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def add_receipts(store: Store, *times: datetime) -> None:
    with store.transaction() as session:
        session.add_all(
            ConsentReceipt(
                visitor_index="a" * 64,
                recorded_at=moment,
                policy_version="1",
                method="banner",
                granted=["analytics"],
                denied=["marketing"],
                gpc=False,
                record="{}",
            )
            for moment in times
        )


def placement(connection: Connection, table: str = "consent_receipts") -> dict[str, int]:
    """How many rows each partition of `table` holds, as PostgreSQL routed them."""
    rows = connection.execute(
        text(f"SELECT tableoid::regclass::text, count(*) FROM {table} GROUP BY 1")
    )
    return {name: count for name, count in rows}


@pytest.mark.postgres
def test_it_gives_each_month_in_the_default_partition_its_own(postgres_store: Store) -> None:
    # 23:00 UTC on 31 October is already November in the session's zone below: months are UTC.
    add_receipts(postgres_store, at(9, 2), at(9, 29), at(10, 31, hour=23), at(11, 20))
    with postgres_store.engine.begin() as connection:
        assert placement(connection) == {"consent_receipts_default": 4}
        connection.execute(text("SET LOCAL TIME ZONE 'Pacific/Kiritimati'"))
        assert adopt_default(connection, "consent_receipts") == 3
        assert adopt_default(connection, "consent_receipts") == 0
    with postgres_store.engine.connect() as connection:
        assert placement(connection) == {
            "consent_receipts_y2026m09": 2,
            "consent_receipts_y2026m10": 1,
            "consent_receipts_y2026m11": 1,
        }


@pytest.mark.postgres
def test_it_drops_whole_months_before_the_cutoff(postgres_store: Store) -> None:
    add_receipts(postgres_store, at(8, 5), at(9, 1, hour=0), at(9, 30), at(10, 2), at(11, 3))
    with postgres_store.engine.begin() as connection:
        adopt_default(connection, "consent_receipts")
    add_receipts(postgres_store, at(7, 1))  # no July partition: it waits in the default
    with postgres_store.engine.begin() as connection:
        assert drop_months_before(connection, "consent_receipts", at(10, 15)) == 3
        assert drop_months_before(connection, "consent_receipts", at(10, 15)) == 0
        assert placement(connection) == {
            "consent_receipts_default": 1,
            "consent_receipts_y2026m10": 1,
            "consent_receipts_y2026m11": 1,
        }


@pytest.mark.postgres
def test_it_still_refuses_to_change_a_decision_in_a_partition(postgres_store: Store) -> None:
    add_receipts(postgres_store, at(11, 3))
    with postgres_store.engine.begin() as connection:
        adopt_default(connection, "consent_receipts")
        assert placement(connection) == {"consent_receipts_y2026m11": 1}
    with pytest.raises(DBAPIError, match="append-only"), postgres_store.transaction() as session:
        session.execute(update(ConsentReceipt).values(granted=["marketing"]))
    with postgres_store.transaction() as session:
        assert session.scalars(select(ConsentReceipt.granted)).all() == [["analytics"]]


@pytest.mark.postgres
def test_it_routes_rows_to_months_made_ahead(postgres_store: Store) -> None:
    with postgres_store.engine.begin() as connection:
        assert ensure_months(connection, "pageviews", date(2026, 12, 20), date(2027, 1, 1)) == 2
        assert ensure_months(connection, "pageviews", date(2026, 12, 1), date(2027, 1, 31)) == 0
    views = (at(12, 31, hour=23), at(1, 1, hour=0, year=2027), at(2, 1, year=2027))
    with postgres_store.transaction() as session:
        session.add_all(Pageview(viewed_at=moment, path="/") for moment in views)
    with postgres_store.engine.connect() as connection:
        assert placement(connection, "pageviews") == {
            "pageviews_y2026m12": 1,
            "pageviews_y2027m01": 1,
            "pageviews_default": 1,
        }


@pytest.mark.postgres
def test_it_partitions_the_rows_of_a_database_made_before(postgres_store: Store) -> None:
    config = alembic_config(postgres_store.engine)
    command.downgrade(config, "0008")
    add_receipts(postgres_store, at(10, 1), at(10, 31), at(11, 2))
    with postgres_store.transaction() as session:
        session.add(Pageview(viewed_at=at(6, 30), path="/"))
    with postgres_store.engine.connect() as connection:
        assert not is_partitioned(connection, "consent_receipts")
    command.upgrade(config, "head")
    with postgres_store.engine.connect() as connection:
        assert is_partitioned(connection, "consent_receipts")
        assert placement(connection) == {
            "consent_receipts_y2026m10": 2,
            "consent_receipts_y2026m11": 1,
        }
        assert placement(connection, "pageviews") == {"pageviews_y2026m06": 1}


@pytest.mark.postgres
def test_it_keeps_the_rows_when_going_back_to_plain_tables(postgres_store: Store) -> None:
    add_receipts(postgres_store, at(10, 1), at(11, 2))
    with postgres_store.engine.begin() as connection:
        adopt_default(connection, "consent_receipts")
    add_receipts(postgres_store, at(12, 1))
    command.downgrade(alembic_config(postgres_store.engine), "0008")
    with postgres_store.engine.connect() as connection:
        assert not is_partitioned(connection, "consent_receipts")
        assert placement(connection) == {"consent_receipts": 3}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_it_partitions_nothing_on_sqlite(store: Store) -> None:
    add_receipts(store, at(8, 5))
    with store.engine.begin() as connection:
        assert not is_partitioned(connection, "consent_receipts")
        assert adopt_default(connection, "consent_receipts") == 0
        assert drop_months_before(connection, "consent_receipts", at(11, 1)) == 0
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(ConsentReceipt)) == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_it_refuses_a_table_it_does_not_partition(store: Store) -> None:
    with store.engine.connect() as connection, pytest.raises(ValueError):
        is_partitioned(connection, "subjects; DROP TABLE subjects")
