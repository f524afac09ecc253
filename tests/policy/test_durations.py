"""Durations as policies write them, and the calendar arithmetic retention relies on."""

from datetime import datetime
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from privet.policy.durations import Duration, DurationError, Unit


@pytest.mark.parametrize(
    ("text", "count", "unit"),
    [
        ("3 years", 3, "years"),
        ("13 months", 13, "months"),
        ("1 month", 1, "months"),
        ("30 days", 30, "days"),
        ("2 weeks", 2, "weeks"),
    ],
)
def test_it_reads_a_duration(text: str, count: int, unit: Unit) -> None:
    assert Duration.parse(text) == Duration(count, unit)


@pytest.mark.parametrize("text", ["3 yeers", "three years", "0 days", "3", "", "-1 days"])
def test_it_refuses_what_is_not_a_duration(text: str) -> None:
    with pytest.raises(DurationError, match="bad duration"):
        Duration.parse(text)


@pytest.mark.parametrize("text", ["3 years", "13 months", "1 month", "30 days", "1 week"])
def test_it_writes_a_duration_back_as_it_was_written(text: str) -> None:
    assert str(Duration.parse(text)) == text


def test_it_clamps_the_end_of_january_to_the_end_of_february() -> None:
    month = Duration(1, "months")
    assert month.after(datetime(2025, 1, 31)) == datetime(2025, 2, 28)
    assert month.after(datetime(2024, 1, 31)) == datetime(2024, 2, 29)


def test_it_turns_a_leap_day_into_the_last_day_of_february() -> None:
    assert Duration(1, "years").after(datetime(2024, 2, 29)) == datetime(2025, 2, 28)


def test_it_counts_years_by_the_calendar() -> None:
    start = datetime(2026, 4, 11, 9, 30)
    assert Duration(10, "years").after(start) == datetime(2036, 4, 11, 9, 30)


def test_it_counts_months_across_the_new_year() -> None:
    assert Duration(13, "months").after(datetime(2025, 12, 15)) == datetime(2027, 1, 15)


def test_it_counts_days_and_weeks_exactly() -> None:
    start = datetime(2024, 2, 20)
    assert Duration(30, "days").after(start) == datetime(2024, 3, 21)
    assert Duration(2, "weeks").after(start) == datetime(2024, 3, 5)


counts = st.integers(min_value=1, max_value=500)
units = st.sampled_from(get_args(Unit))
moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 12, 31))


@given(count=counts, unit=units)
def test_it_reads_back_every_duration_it_writes(count: int, unit: Unit) -> None:
    duration = Duration(count, unit)
    assert Duration.parse(str(duration)) == duration


@given(count=counts, unit=units, moment=moments)
def test_a_longer_duration_never_ends_sooner(count: int, unit: Unit, moment: datetime) -> None:
    shorter = Duration(count, unit)
    longer = Duration(count + 1, unit)
    assert moment < shorter.after(moment) <= longer.after(moment)
