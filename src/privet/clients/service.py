"""Clients and their contracts: where the policy keeps contract data, and recording it."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from privet.clients.models import Contract
from privet.policy.durations import Duration
from privet.policy.schema import Policy
from privet.store.types import keyring_of
from privet.subjects.models import Subject
from privet.subjects.service import email_indexes, find_subject, get_or_create_subject

log = logging.getLogger(__name__)

ANCHOR = "contract_end"
REFERENCE_MAX_LENGTH = 200
NO_CONTRACT_DATA = (
    "the policy declares no contract data: add a data category with `source: staff`, a "
    "purpose that lists it (usually `legal_basis: legal_obligation`), and a retention rule "
    "for it with `after: contract_end`, as `contracts` in examples/ntoprog/policy.yaml"
)


class ContractError(ValueError):
    """Refused input. Messages never repeat an email or a reference: they may be logged."""


class NoContractData(ContractError):
    """The policy has nowhere to keep contracts: a fix to policy.yaml, not to the input."""


@dataclass(frozen=True)
class ContractTerms:
    """Where the policy keeps contract data, and under which promise."""

    category: str
    purpose: str
    legal_basis: str
    rule: str
    keep: Duration


@dataclass(frozen=True)
class NewContract:
    """A contract as staff enter it; `category` only when the policy has several."""

    email: str
    reference: str
    starts_on: date
    ends_on: date | None = None
    category: str | None = None


@dataclass(frozen=True)
class ClientContract:
    email: str
    contract: Contract
    # When the client asked that their data be kept but no longer used (art. 18).
    restricted_at: datetime | None = None


def contract_categories(policy: Policy) -> list[str]:
    """The categories of contract data: those a retention rule keeps from a contract's end."""
    rules = policy.retention.values()
    return list(dict.fromkeys(rule.category for rule in rules if rule.after == ANCHOR))


def contract_terms(policy: Policy, category: str | None = None) -> ContractTerms:
    categories = contract_categories(policy)
    if not categories:
        raise NoContractData(NO_CONTRACT_DATA)
    if category is None and len(categories) > 1:
        # Never guess: the category decides how long the data is kept and why.
        raise ContractError(
            f"the policy keeps contract data in several categories ({', '.join(categories)}): "
            "name one"
        )
    chosen = category or categories[0]
    if chosen not in categories:
        raise ContractError(
            f"'{chosen}' is not a category of contract data (the policy's: "
            f"{', '.join(categories)}); a retention rule `after: contract_end` makes one"
        )
    purpose, legal_basis = _purpose_of(policy, chosen)
    found = _longest_rule(policy, chosen)
    assert found is not None  # every category of contract data has a contract_end rule
    return ContractTerms(chosen, purpose, legal_basis, *found)


def _purpose_of(policy: Policy, category: str) -> tuple[str, str]:
    covering = [(name, p) for name, p in policy.purposes.items() if category in p.categories]
    if not covering:
        raise NoContractData(
            f"no purpose lists the data category '{category}': add it to the `categories` "
            "of the purpose it is kept for (e.g. accounting, `legal_basis: legal_obligation`)"
        )
    # The law that sets the retention is why the data is kept after the contract ends, so a
    # legal_obligation purpose wins over the contract purpose that may also cover it.
    obliged = [(name, p) for name, p in covering if p.legal_basis == "legal_obligation"]
    name, purpose = (obliged or covering)[0]
    return name, purpose.legal_basis


def _longest_rule(policy: Policy, category: str) -> tuple[str, Duration] | None:
    # Several rules for one category: the data is kept as long as any of them requires.
    rules = [
        (name, rule.keep)
        for name, rule in policy.retention.items()
        if rule.category == category and rule.after == ANCHOR
    ]
    moment = datetime(2000, 1, 1, tzinfo=UTC)
    return max(rules, key=lambda named: named[1].after(moment), default=None)


def kept_for(policy: Policy, category: str) -> Duration | None:
    """How long after a contract's end today's policy keeps its data; None if no rule does."""
    found = _longest_rule(policy, category)
    return found[1] if found else None


def keep_until(policy: Policy, contract: Contract) -> date | None:
    """The day the contract's data may go, by today's policy; None while it runs."""
    keep = kept_for(policy, contract.category)
    if contract.ends_on is None or keep is None:
        return None
    return keep.after(datetime.combine(contract.ends_on, time(), UTC)).date()


def keep_label(policy: Policy, contract: Contract) -> str:
    """ "2036-12-31", or "10 years after the end" while the contract runs."""
    until, keep = keep_until(policy, contract), kept_for(policy, contract.category)
    if until is not None:
        return until.isoformat()
    return f"{keep} after the end" if keep else "no contract_end rule for this category"


def parse_day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ContractError(f"{name}: not a date, write YYYY-MM-DD") from None


def record_contract(
    session: Session,
    policy: Policy,
    new: NewContract,
    now: datetime,
    recorded_by: uuid.UUID | None = None,
) -> Contract:
    """Mark the person at `new.email` as a client with this contract; refuses a duplicate."""
    terms = contract_terms(policy, new.category)
    reference = _clean_reference(new.reference)
    if new.ends_on is not None:
        _check_end(new.starts_on, new.ends_on)
    subject = get_or_create_subject(session, _address(new.email), now)
    if _matching(session, subject.id, reference) is not None:
        raise ContractError("this client already has a contract with that reference")
    # A signed contract is a contact: the person's contact data ("leads ... 3 years after
    # last contact") is needed for the relationship it starts, so its clock restarts.
    if subject.last_contact_at is None or subject.last_contact_at < now:
        subject.last_contact_at = now
    contract = Contract(
        subject_id=subject.id,
        reference=reference,
        reference_index=_reference_index(session, reference),
        category=terms.category,
        purpose=terms.purpose,
        legal_basis=terms.legal_basis,
        policy_version=policy.policy.version,
        starts_on=new.starts_on,
        ends_on=new.ends_on,
        recorded_at=now,
        recorded_by=recorded_by,
    )
    session.add(contract)
    session.flush()
    log.info(
        "contract_recorded", extra={"contract_id": str(contract.id), "category": terms.category}
    )
    return contract


def find_contract(session: Session, email: str, reference: str) -> Contract:
    subject = find_subject(session, _address(email))
    found = _matching(session, subject.id, _clean_reference(reference)) if subject else None
    if found is None:
        raise ContractError("no contract with that reference for that email")
    return found


def contract_by_id(session: Session, contract_id: uuid.UUID) -> Contract | None:
    return session.get(Contract, contract_id)


def end_contract(contract: Contract, ends_on: date) -> Contract:
    """Set the day the contract ends: the anchor its data's retention counts from.

    Not a contact: the end is usually known from the contract itself, not from dealing with
    the person, so `last_contact_at` stays where the contract's signature put it.
    """
    _check_end(contract.starts_on, ends_on)
    contract.ends_on = ends_on
    log.info("contract_ended", extra={"contract_id": str(contract.id)})
    return contract


def list_contracts(session: Session, email: str | None = None) -> list[ClientContract]:
    query = select(Subject.email, Contract, Subject.restricted_at).join(
        Subject, Subject.id == Contract.subject_id
    )
    if email is not None:
        query = query.where(Subject.email_index.in_(email_indexes(session, _address(email))))
    query = query.order_by(Contract.starts_on, Contract.recorded_at)
    return [ClientContract(*found) for found in session.execute(query)]


def contracts_of(session: Session, subject_id: uuid.UUID) -> list[Contract]:
    """A subject's contracts, for export and for the erasure that must leave them be."""
    query = select(Contract).where(Contract.subject_id == subject_id)
    return list(session.scalars(query.order_by(Contract.starts_on, Contract.recorded_at)))


def _address(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise ContractError("not a valid email address") from None


def _clean_reference(reference: str) -> str:
    reference = reference.strip()
    if not reference:
        raise ContractError("a contract needs a reference")
    if len(reference) > REFERENCE_MAX_LENGTH:
        raise ContractError(f"a reference has at most {REFERENCE_MAX_LENGTH} characters")
    return reference


def _matching(session: Session, subject_id: uuid.UUID, reference: str) -> Contract | None:
    query = select(Contract).where(
        Contract.subject_id == subject_id,
        Contract.reference_index.in_(_reference_indexes(session, reference)),
    )
    return session.scalars(query).one_or_none()


def _reference_index(session: Session, reference: str) -> str:
    return _reference_indexes(session, reference)[0]


def _reference_indexes(session: Session, reference: str) -> list[str]:
    """Under every key, current first: a key rotation may not have reached the row yet.
    "NTO-2026-07" and "nto-2026-07" name the same paper contract."""
    return keyring_of(session.get_bind().dialect).blind_indexes(reference.casefold())


def _check_end(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise ContractError(f"a contract cannot end ({ends_on}) before it starts ({starts_on})")
