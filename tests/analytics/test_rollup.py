"""Daily roll-ups: the right numbers, the same twice, kept when retention anonymises the views
they came from, and no visitor value in them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import String, func, select, update

from conftest import NOW
from privet.analytics.models import DayTotals, DayValue, Pageview
from privet.analytics.rollup import OTHER, TOP_VALUES, roll_up, roll_up_chore, roll_up_due
from privet.analytics.stats import stats
from privet.clock import FixedClock
from privet.consent.service import Decision, new_receipt
from privet.policy.schema import Policy
from privet.store.open import Store

DAY = date(2026, 11, 20)
ANNA, BORIS, CLARA = "a" * 64, "b" * 64, "c" * 64


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=hour)


def view(when: datetime, visitor: str | None, path: str = "/", **given: object) -> Pageview:
    values: dict[str, object] = {"referrer_host": None, "country": "FR", "browser": "Firefox",
                                 "device": "desktop", "duration_ms": None} | given  # fmt: skip
    return Pageview(viewed_at=when, visitor=visitor, path=path, **values)


def plant(store: Store, policy: Policy) -> None:
    """Nov 20: Anna twice on /, Boris on / and /pricing; two of three choices grant analytics.
    Nov 21: Clara, and one view already anonymised. Nov 22: only anonymised views."""
    day, next_day = DAY, DAY + timedelta(days=1)
    views = [
        view(at(day, 9), ANNA, duration_ms=10_000, referrer_host="search.example.org"),
        view(at(day, 10), ANNA, duration_ms=20_000, referrer_host="search.example.org"),
        view(at(day, 11), BORIS, country="DE", browser="Chrome", device="mobile"),
        view(at(day, 23), BORIS, "/pricing", country="DE", duration_ms=30_000),
        view(at(next_day, 0), CLARA),
        view(at(next_day, 8), None, "/about"),
        view(at(next_day + timedelta(days=1), 8), None),
        view(at(next_day + timedelta(days=1), 9), None),
    ]
    with store.transaction() as session:
        session.add_all(views)
        for granted in (["analytics"], ["analytics", "marketing"], []):
            denied = [name for name in ("analytics", "marketing") if name not in granted]
            decision = Decision(uuid.uuid4(), "1", "banner", granted, denied, False, "en")
            session.add(new_receipt(policy, store.keyring, decision, at(day, 12), country=None,
                                    privacy_url="https://example.org/privacy"))  # fmt: skip


def totals(store: Store, day: date) -> DayTotals | None:
    with store.transaction() as session:
        return session.get(DayTotals, day)


def values(store: Store) -> list[tuple[str, date, str, int, int, int, int]]:
    with store.transaction() as session:
        rows = session.scalars(select(DayValue).order_by(DayValue.dimension, DayValue.day,
                                                         DayValue.value))  # fmt: skip
        return [(row.dimension, row.day, row.value, row.visitors, row.pageviews,
                 row.duration_ms_sum, row.durations) for row in rows]  # fmt: skip


def test_it_counts_a_day_s_visitors_views_durations_and_consent_rate(
    store: Store, policy: Policy
) -> None:
    plant(store, policy)
    with store.transaction() as session:
        roll_up(session, policy, DAY, NOW)
    day = totals(store, DAY)
    assert day is not None
    assert (day.visitors, day.pageviews, day.duration_ms_sum, day.durations) == (2, 4, 60_000, 3)
    assert (day.decisions, day.analytics_grants, day.final) == (3, 2, True)
    pages = [row for row in values(store) if row[0] == "page"]
    assert pages == [
        ("page", DAY, "/", 2, 3, 30_000, 2),
        ("page", DAY, "/pricing", 1, 1, 30_000, 1),
    ]
    assert ("referrer", DAY, "", 1, 2, 30_000, 1) in values(store)  # no referrer: direct
    with store.transaction() as session:
        found = stats(session, DAY, DAY)
    assert found.totals.average_duration_s == 20.0
    assert found.totals.consent_rate == 2 / 3
    assert [(top.value, top.pageviews) for top in found.top["country"]] == [("DE", 2), ("FR", 2)]
    assert found.top["referrer"][0].value == "(direct)"


def test_rolling_a_day_up_twice_gives_the_same_rows(store: Store, policy: Policy) -> None:
    plant(store, policy)
    with store.transaction() as session:
        roll_up(session, policy, DAY, NOW)
    first = values(store)
    with store.transaction() as session:
        roll_up(session, policy, DAY, NOW)
    assert values(store) == first
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(DayTotals)) == 1


def test_it_keeps_a_day_s_roll_up_once_retention_anonymised_its_views(
    store: Store, policy: Policy
) -> None:
    plant(store, policy)
    with store.transaction() as session:
        done = roll_up_due(session, policy, NOW)
    # Nov 22, anonymised before any roll-up, is left alone; today is rolled up, if empty.
    assert done == [DAY, DAY + timedelta(days=1), NOW.date()]
    assert totals(store, DAY + timedelta(days=2)) is None
    with store.transaction() as session:
        session.execute(update(Pageview).values(visitor=None))  # what a sweep does
    with store.transaction() as session:
        assert roll_up_due(session, policy, NOW + timedelta(hours=1)) == [NOW.date()]
        roll_up_due(session, policy, NOW + timedelta(days=500))
    kept = totals(store, DAY)
    assert kept is not None and (kept.visitors, kept.pageviews) == (2, 4)
    clara = totals(store, DAY + timedelta(days=1))
    assert clara is not None and (clara.visitors, clara.pageviews) == (1, 2)


def test_it_rolls_up_today_again_as_views_arrive(store: Store, policy: Policy) -> None:
    with store.transaction() as session:
        session.add(view(NOW - timedelta(hours=2), ANNA))
        roll_up_due(session, policy, NOW)
        session.add(view(NOW - timedelta(hours=1), BORIS))
        roll_up_due(session, policy, NOW + timedelta(minutes=30))
    today = totals(store, NOW.date())
    assert today is not None and (today.visitors, today.pageviews, today.final) == (2, 2, False)


def test_the_aggregates_hold_no_visitor_value(store: Store, policy: Policy) -> None:
    plant(store, policy)
    with store.transaction() as session:
        roll_up_due(session, policy, NOW)
        texts = set(session.scalars(select(DayValue.value)))
    assert {"/", "/pricing", "FR", "Chrome"} <= texts
    assert texts.isdisjoint({ANNA, BORIS, CLARA})
    # No other column could: the rest are numbers, dates and the dimension's name.
    columns = [*DayTotals.__table__.columns, *DayValue.__table__.columns]
    texts = [column.name for column in columns if isinstance(column.type, String)]
    assert texts == ["dimension", "value"]


def test_it_keeps_the_largest_values_of_a_day_and_sums_the_rest(
    store: Store, policy: Policy
) -> None:
    with store.transaction() as session:
        session.add_all(view(at(DAY, 9), f"{n:064d}", f"/page/{n:04d}") for n in range(TOP_VALUES))
        session.add_all(view(at(DAY, 10), ANNA, f"/page/{n:04d}") for n in range(3))  # top 3
        session.add(view(at(DAY, 11), BORIS, "/tail", duration_ms=5_000))
        roll_up(session, policy, DAY, NOW)
    pages = {row[2]: row for row in values(store) if row[0] == "page"}
    assert len(pages) == TOP_VALUES + 1 and "/tail" not in pages
    # Ties go in order of value: the pages are kept, /tail (Boris) is the rest.
    assert pages[OTHER][3:] == (1, 1, 5_000, 1)
    assert pages["/page/0000"][3:5] == (2, 2)


def test_the_hourly_chore_rolls_up_what_is_due(
    store: Store, policy: Policy, clock: FixedClock
) -> None:
    plant(store, policy)
    roll_up_chore(store, policy, clock)
    day = totals(store, DAY)
    assert day is not None and (day.visitors, day.pageviews, day.final) == (2, 4, True)
    assert totals(store, NOW.date()) is not None
