"""Consent decisions: checking them against the policy, filing receipts, and answering
"does this visitor consent to this category now?" for the rest of privet.

A visitor is a random id kept in a first-party cookie; privet stores only its blind
index in the clear. Each decision files a whole new receipt naming every optional
category as granted, denied or not yet asked, so the latest receipt alone is the
visitor's current choice. A choice lasts as long as the consent cookie the policy
declares; after that the banner asks again and the old receipt no longer counts.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from sqlalchemy import select
from sqlalchemy.orm import Session

from privet.consent.models import ConsentReceipt
from privet.consent.record import GIVEN, consent_record
from privet.policy.durations import Duration
from privet.policy.schema import Consent, CookieCategory, Policy
from privet.store.crypto import Keyring
from privet.store.types import keyring_of
from privet.subjects.models import Subject, SubjectVisitor

METHODS = ("banner", "preferences", "api", "gpc")


class NoConsentSection(LookupError):
    """The policy asks no consent (no optional cookie category): there is nothing to record."""


class UnknownCategory(LookupError):
    pass


class DecisionInvalid(ValueError):
    """A decision privet will not file; `problems` maps each field at fault to why."""

    def __init__(self, problems: dict[str, str], *, stale: bool = False) -> None:
        super().__init__("; ".join(f"{field}: {why}" for field, why in problems.items()))
        self.problems = problems
        # True when the visitor decided on an older version of the policy.
        self.stale = stale


@dataclass(frozen=True)
class Decision:
    visitor_id: uuid.UUID
    policy_version: str
    method: str
    granted: list[str]
    denied: list[str]
    gpc: bool
    language: str


def consent_of(policy: Policy) -> Consent:
    if policy.consent is None:
        raise NoConsentSection("the policy has no consent section: no category asks consent")
    return policy.consent


def optional_categories(policy: Policy) -> dict[str, CookieCategory]:
    return {name: category for name, category in policy.cookies.items() if not category.required}


def choice_lifetime(policy: Policy) -> Duration:
    """How long a choice lasts: the lifetime the policy gives the consent cookie."""
    name = consent_of(policy).cookie
    for category in policy.cookies.values():
        for cookie in category.cookies:
            if cookie.name == name and isinstance(cookie.lifetime, Duration):
                return cookie.lifetime
    raise NoConsentSection(f"the consent cookie '{name}' is not declared with a lifetime")


def check_decision(policy: Policy, decision: Decision) -> None:
    consent_of(policy)
    if decision.policy_version != policy.policy.version:
        problem = f"the policy is now version {policy.policy.version}: show the banner again"
        raise DecisionInvalid({"policy_version": problem}, stale=True)
    problems = {**_category_problems(policy, decision), **_signal_problems(policy, decision)}
    if problems:
        raise DecisionInvalid(problems)


def _category_problems(policy: Policy, decision: Decision) -> dict[str, str]:
    problems: dict[str, str] = {}
    optional = optional_categories(policy)
    for field in ("granted", "denied"):
        unknown = [name for name in getattr(decision, field) if name not in optional]
        if unknown:
            known = ", ".join(optional) or "none"
            problems[field] = f"not an optional cookie category: {', '.join(unknown)} ({known})"
    both = set(decision.granted) & set(decision.denied)
    if both:
        problems["denied"] = f"both granted and denied: {', '.join(sorted(both))}"
    return problems


def _signal_problems(policy: Policy, decision: Decision) -> dict[str, str]:
    if decision.method not in METHODS:
        return {"method": f"one of {', '.join(METHODS)}"}
    if decision.method == "gpc" and not decision.gpc:
        return {"gpc": "a decision made by Global Privacy Control has gpc: true"}
    optional = optional_categories(policy)
    opted_out = [
        name for name in decision.granted if name in optional and optional[name].gpc_opt_out
    ]
    if decision.gpc and opted_out:
        return {
            "granted": f"Global Privacy Control is on, which opts out of: {', '.join(opted_out)}"
        }
    return {}


def new_receipt(
    policy: Policy,
    keyring: Keyring,
    decision: Decision,
    now: datetime,
    *,
    country: str | None,
    privacy_url: str,
) -> ConsentReceipt:
    """The receipt of a checked decision, not yet added to any session."""
    receipt_id = uuid.uuid4()
    record = consent_record(
        policy,
        receipt_id=str(receipt_id),
        visitor_id=str(decision.visitor_id),
        recorded_at=now,
        valid_until=choice_lifetime(policy).after(now),
        method=decision.method,
        granted=decision.granted,
        denied=decision.denied,
        gpc=decision.gpc,
        language=decision.language,
        country=country,
        privacy_url=privacy_url,
    )
    return ConsentReceipt(
        id=receipt_id,
        visitor_index=keyring.blind_index(str(decision.visitor_id)),
        recorded_at=now,
        policy_version=decision.policy_version,
        method=decision.method,
        granted=sorted(decision.granted),
        denied=sorted(decision.denied),
        gpc=decision.gpc,
        country=country,
        record=json.dumps(record, ensure_ascii=False),
    )


def record_decision(
    session: Session,
    policy: Policy,
    decision: Decision,
    now: datetime,
    *,
    country: str | None = None,
    privacy_url: str,
) -> ConsentReceipt:
    check_decision(policy, decision)
    receipt = new_receipt(
        policy, _keyring(session), decision, now, country=country, privacy_url=privacy_url
    )
    session.add(receipt)
    session.flush()
    return receipt


def find_receipt(session: Session, receipt_id: uuid.UUID) -> ConsentReceipt | None:
    return session.get(ConsentReceipt, receipt_id)


def stored_record(receipt: ConsentReceipt) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(receipt.record)
    return record


def receipts_of(session: Session, visitor_id: uuid.UUID) -> list[ConsentReceipt]:
    """Every receipt of one visitor, newest first."""
    query = (
        select(ConsentReceipt)
        .where(ConsentReceipt.visitor_index.in_(_visitor_indexes(session, visitor_id)))
        .order_by(ConsentReceipt.recorded_at.desc())
    )
    return list(session.scalars(query))


def current_choice(
    session: Session, policy: Policy, visitor_id: uuid.UUID, now: datetime
) -> ConsentReceipt | None:
    """The visitor's latest receipt, unless it is older than a choice lasts."""
    query = (
        select(ConsentReceipt)
        .where(ConsentReceipt.visitor_index.in_(_visitor_indexes(session, visitor_id)))
        .order_by(ConsentReceipt.recorded_at.desc())
        .limit(1)
    )
    latest = session.scalars(query).first()
    if latest is None or choice_lifetime(policy).after(latest.recorded_at) <= now:
        return None
    return latest


def has_consent(
    session: Session, policy: Policy, visitor_id: uuid.UUID, category: str, now: datetime
) -> bool:
    return consent_for(session, policy, visitor_id, category, now)[0]


def consent_for(
    session: Session, policy: Policy, visitor_id: uuid.UUID, category: str, now: datetime
) -> tuple[bool, ConsentReceipt | None]:
    """Whether `category` may run for this visitor now, and the receipt that says so.

    A required category always may. An optional one needs the visitor's current choice to
    grant it for the purpose the policy names today: a consent given for another purpose
    does not carry over (the banner asks again).
    """
    declared = policy.cookies.get(category)
    if declared is None:
        raise UnknownCategory(category)
    choice = current_choice(session, policy, visitor_id, now) if policy.consent else None
    if declared.required:
        return True, choice
    granted = (
        choice is not None
        and category in choice.granted
        and any(
            purpose["cookie_category"] == category
            and purpose["purpose"] == declared.purpose
            and purpose["status"] == GIVEN
            for purpose in stored_record(choice)["purposes"]
        )
    )
    return granted, choice


def visitor_in_cookies(policy: Policy, cookies: Mapping[str, str]) -> uuid.UUID | None:
    """The visitor id in the consent cookie the banner wrote, if this browser has one."""
    if policy.consent is None:
        return None
    raw = cookies.get(policy.consent.cookie)
    try:
        value = json.loads(unquote(raw)) if raw else None
        return uuid.UUID(str(value["v"])) if isinstance(value, dict) else None
    except (ValueError, KeyError):
        return None


def link_visitor(session: Session, subject: Subject, visitor_id: uuid.UUID, now: datetime) -> None:
    """Note that this browser is the subject's, so their receipts reach their export."""
    index = _keyring(session).blind_index(str(visitor_id))
    if session.get(SubjectVisitor, (subject.id, index)) is None:
        session.add(SubjectVisitor(subject_id=subject.id, visitor_index=index, linked_at=now))


def receipts_of_subject(session: Session, subject: Subject) -> list[ConsentReceipt]:
    """The receipts of every browser linked to the subject, oldest first."""
    linked = select(SubjectVisitor.visitor_index).where(SubjectVisitor.subject_id == subject.id)
    query = (
        select(ConsentReceipt)
        .where(ConsentReceipt.visitor_index.in_(linked))
        .order_by(ConsentReceipt.recorded_at)
    )
    return list(session.scalars(query))


def _keyring(session: Session) -> Keyring:
    return keyring_of(session.get_bind().dialect)


def _visitor_indexes(session: Session, visitor_id: uuid.UUID) -> list[str]:
    """Under every key: receipts a key rotation has not reached carry an older key's."""
    return _keyring(session).blind_indexes(str(visitor_id))
