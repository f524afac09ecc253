"""Durations written the way policies write them: "3 years", "13 months", "30 days"."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

Unit = Literal["days", "weeks", "months", "years"]

_UNITS: dict[str, Unit] = {
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
    "year": "years",
    "years": "years",
}
_PATTERN = re.compile(r"^\s*(\d+)\s+([a-z]+)\s*$")


class DurationError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Duration:
    count: int
    unit: Unit

    @classmethod
    def parse(cls, text: str) -> Duration:
        match = _PATTERN.match(text.lower())
        if not match or match.group(2) not in _UNITS:
            raise DurationError(
                f"bad duration {text!r}: write a number and a unit, e.g. '3 years', "
                "'13 months', '30 days' (units: days, weeks, months, years)"
            )
        count, unit = int(match.group(1)), _UNITS[match.group(2)]
        if count == 0:
            raise DurationError(f"bad duration {text!r}: must be longer than zero")
        return cls(count, unit)

    def __str__(self) -> str:
        unit = self.unit if self.count != 1 else self.unit[:-1]
        return f"{self.count} {unit}"

    def after(self, moment: datetime) -> datetime:
        """The moment this long after `moment`, in calendar terms.

        Months and years follow the calendar (GDPR art. 12(3) "one month" runs to the
        same day of the next month); a day missing in the target month clamps to its
        last day, so 31 January + 1 month is 28/29 February.
        """
        if self.unit == "days":
            return moment + timedelta(days=self.count)
        if self.unit == "weeks":
            return moment + timedelta(weeks=self.count)
        months = self.count if self.unit == "months" else 12 * self.count
        return _add_months(moment, months)

    def before(self, moment: datetime) -> datetime:
        """The moment this long before `moment`: what a record's anchor must be older than
        to be past a rule that keeps it this long."""
        if self.unit in ("days", "weeks"):
            return moment - (self.after(moment) - moment)
        months = self.count if self.unit == "months" else 12 * self.count
        return _add_months(moment, -months)


def _add_months(moment: datetime, months: int) -> datetime:
    total = moment.month - 1 + months
    year, month = moment.year + total // 12, total % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
