"""Dates, durations, countries and lists in the reader's language, with Babel's plural
and case forms ("3 года", "13 mois", "April 11, 2026")."""

from __future__ import annotations

from datetime import date

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.units import format_unit

from privet.policy.durations import Duration

# CLDR has no code for the European Economic Area.
REGIONS = {
    "en": {"EEA": "the European Economic Area"},
    "fr": {"EEA": "l'Espace économique européen"},
    "ru": {"EEA": "Европейская экономическая зона"},
}


def duration_in(duration: Duration, language: str) -> str:
    unit = f"duration-{duration.unit[:-1]}"  # "years" -> "duration-year"
    said = format_unit(duration.count, unit, length="long", locale=language)
    # A number stays on the line of its unit ("10 years" in a narrow table cell).
    return said.replace(" ", "\u00a0")


def date_in(day: date, language: str) -> str:
    return format_date(day, format="long", locale=language)


def number_in(number: int, language: str) -> str:
    return format_decimal(number, locale=language)


def country_in(code: str, language: str) -> str:
    """A country or region by its name; an unknown code stays as written."""
    if code in REGIONS[language]:
        return REGIONS[language][code]
    return str(Locale.parse(language).territories.get(code, code))


def countries_in(codes: list[str], language: str) -> str:
    return format_list([country_in(code, language) for code in codes], locale=language)


def listed(names: list[str], language: str) -> str:
    return format_list(names, locale=language)


def language_name(language: str) -> str:
    """A language in its own words, as a language switcher shows it: "Français"."""
    name = str(Locale.parse(language).languages[language])
    return name[:1].upper() + name[1:]
