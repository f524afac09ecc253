"""What a declared form accepts: each field's type, whether it is required, how long it may be.

Values are checked and normalised here (addresses by email-validator, phone numbers to
E.164 by phonenumbers) before anything is stored, so stored data is already clean.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from privet.policy.schema import Form, Policy

# Caps for fields that declare none: generous for people, small for a database.
DEFAULT_MAX_LENGTH = {"long_text": 10_000, "email": 320, "url": 2_000}
TEXT_MAX_LENGTH = 200
FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")
UNNAMED_FIELD = "(unnamed)"
TRUE_WORDS, FALSE_WORDS = {"true", "on", "yes", "1"}, {"false", "off", "no", "0", ""}


class FieldError(ValueError):
    pass


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    required: bool
    category: str
    max_length: int


def form_fields(policy: Policy, form: Form) -> dict[str, FieldSpec]:
    """The fields of `form`, with types and categories resolved from the data categories."""
    specs = {}
    for name, field in form.fields.items():
        category = field.category or form.category
        assert category is not None  # privet check (P102) refuses a field without one
        kind = field.type or policy.data_categories[category].fields[name].type
        cap = field.max_length or DEFAULT_MAX_LENGTH.get(kind, TEXT_MAX_LENGTH)
        specs[name] = FieldSpec(name, kind, field.required, category, cap)
    return specs


def clean_values(
    specs: Mapping[str, FieldSpec], values: Mapping[str, Any], region: str
) -> tuple[dict[str, str], dict[str, str]]:
    """(cleaned values, problems by field name); `region` reads phone numbers without +."""
    cleaned, problems = {}, {}
    for name in values.keys() - specs.keys():
        # Named back only when it looks like a field name: a key is input too, and an
        # error must not repeat an address or a message someone typed into it.
        shown = name if FIELD_NAME.fullmatch(name) else UNNAMED_FIELD
        problems[shown] = "not a field of this form: only declared data is collected"
    for name, spec in specs.items():
        raw = values.get(name)
        text = "" if raw is None else raw if isinstance(raw, str) else _scalar(raw)
        if text is None:
            problems[name] = "must be a single value"
        elif not text.strip():
            if spec.required:
                problems[name] = "required"
        else:
            try:
                cleaned[name] = _clean(spec, text.strip(), region)
            except FieldError as error:
                problems[name] = str(error)
    return cleaned, problems


def _scalar(value: object) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, int | float) else None


def _clean(spec: FieldSpec, text: str, region: str) -> str:
    if len(text) > spec.max_length:
        raise FieldError(f"at most {spec.max_length} characters")
    cleaner = CLEANERS.get(spec.type)
    return cleaner(text, region) if cleaner else text


def _email(text: str, _region: str) -> str:
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise FieldError("not a valid email address") from None


def _phone(text: str, region: str) -> str:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise FieldError("not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise FieldError("not a valid phone number (include the country code, e.g. +33)")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _url(text: str, _region: str) -> str:
    if not text.startswith(("https://", "http://")):
        raise FieldError("a web address starts with https:// or http://")
    return text


def _number(text: str, _region: str) -> str:
    try:
        return str(float(text)) if "." in text else str(int(text))
    except ValueError:
        raise FieldError("not a number") from None


def _boolean(text: str, _region: str) -> str:
    if text.lower() not in TRUE_WORDS | FALSE_WORDS:
        raise FieldError("yes or no")
    return "true" if text.lower() in TRUE_WORDS else "false"


def _date(text: str, _region: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise FieldError("a date as YYYY-MM-DD") from None


def _country(text: str, _region: str) -> str:
    if len(text) != 2 or not text.isalpha():
        raise FieldError("a two-letter country code")
    return text.upper()


CLEANERS = {
    "email": _email,
    "phone": _phone,
    "url": _url,
    "number": _number,
    "boolean": _boolean,
    "date": _date,
    "country": _country,
}
