"""Erasure in privet's own store: everything about a person goes, except what the law keeps.

Purpose-aware: a contract recorded under a legal-obligation purpose (accounting, tax) is
kept until its retention rule lets it go, with the person's record it hangs on, and the
person is restricted (no marketing, nothing but storage). Everything else that points at
the person is deleted, whatever capability put it there (the map is the foreign keys to
`subjects`). Their address is suppressed by its blind index, so a later form or import
cannot quietly bring them back, and it is blanked in their past requests, which stay as
the record that the requests were answered. A request still open keeps it, since it must
still be answered by mail; it is marked, and its address goes when it closes.

Records under a legal hold stay, and the person is restricted, as when the law keeps a
contract: erasure does not reach data needed for legal claims (GDPR art. 17(3)(e)).

Consent receipts are not deleted: they prove what the banner was told (GDPR art. 7(1))
and are kept by the consent log's rule. Only their link to the person goes, after which
they name a random browser id and nobody.

Every erasure is noted in the erasure ledger, outside the database, so that restoring an
older backup erases the person again (privet.backup.ledger).

One transaction, the caller's; running it twice changes nothing the second time.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from privet.auditlog import service as auditlog
from privet.backup.ledger import Entry, ErasureLedger
from privet.clients.models import Contract
from privet.clients.service import keep_label
from privet.intake.models import Submission
from privet.marketing.service import suppress
from privet.models import Base
from privet.policy.schema import Policy
from privet.policy.texts import text_in
from privet.retention.holds import held_categories, holds_on, subject_is_held
from privet.retention.models import LegalHold
from privet.rights.models import DataRequest, RequestEvent
from privet.store.types import keyring_of
from privet.subjects.models import Subject
from privet.subjects.service import email_indexes, subject_columns

LEGAL_OBLIGATION = "legal_obligation"
HELD = "legal hold"
UNTIL_LIFTED = "until the hold is lifted"
# The step marking an open request whose requester was erased: it forgets the address on closing.
ERASED_MEANWHILE = "requester_erased"


@dataclass(frozen=True)
class Kept:
    """A record erasure left in place, and why: told to the requester."""

    record: str
    count: int
    reason: str
    until: str


@dataclass
class StoreErasure:
    deleted: dict[str, int] = field(default_factory=dict)
    kept: list[Kept] = field(default_factory=list)
    # Browsers whose consent receipts no longer lead to the person (the receipts stay).
    receipts_unlinked: int = 0


def kept_categories(policy: Policy) -> set[str]:
    """Data categories a legal-obligation purpose holds: erasure must leave them."""
    return {
        category
        for purpose in policy.purposes.values()
        if purpose.legal_basis == LEGAL_OBLIGATION
        for category in purpose.categories
    }


def erase_subject(
    session: Session,
    policy: Policy,
    email: str,
    *,
    ledger: ErasureLedger,
    language: str,
    now: datetime,
    keep_request: uuid.UUID | None = None,
) -> StoreErasure:
    """Erase the person at `email`; `keep_request` keeps the address on the request being
    carried out, which still needs it to answer (it is blanked when the request closes).

    Noted in the erasure ledger first, on disk before the caller commits: restoring a
    backup taken before today then erases the person again (docs/backups.md)."""
    indexes = email_indexes(session, email)
    key_id = keyring_of(session.get_bind().dialect).key_id
    ledger.append(Entry(now, key_id, indexes[0], keep_request))
    return erase_indexed(
        session, policy, indexes, language=language, now=now, keep_request=keep_request
    )


def apply_opt_out_scope(
    session: Session, policy: Policy, email: str, *, ledger: ErasureLedger, language: str,
    now: datetime,
) -> bool:  # fmt: skip
    """What an unsubscribe from `email` does beyond marketing; True if it erased them.

    With `marketing.opt_out_scope: everything` the policy promises that unsubscribing
    erases the rest too: done here as for an erasure request, in privet's own store."""
    if policy.marketing is None or policy.marketing.opt_out_scope != "everything":
        return False
    erased = erase_subject(session, policy, email, ledger=ledger, language=language, now=now)
    auditlog.record(session, auditlog.AUTOMATIC, "erase", now, details={
        "deleted": erased.deleted, "kept": len(erased.kept), "by": "unsubscribe"})  # fmt: skip
    return True


def erase_indexed(
    session: Session,
    policy: Policy,
    indexes: Sequence[str],
    *,
    language: str,
    now: datetime,
    keep_request: uuid.UUID | None = None,
) -> StoreErasure:
    """Erase the person whose address has one of the blind `indexes` (the first is
    suppressed): how a restore re-applies the ledger, which holds no address. Several
    during a key rotation, which has not yet moved every row to the current key."""
    session.flush()  # the deletes below go straight to the connection
    subject = _suppressed_subject(session, indexes, now)
    done = StoreErasure()
    hold = subject_is_held(session, subject.id, now) if subject else None
    if subject is not None and hold is not None:
        _keep_for_hold(subject, hold, now, done)
        return done
    _blank_requests(session, indexes, keep_request, now)
    if subject is None:
        return done
    held = held_categories(session, now)
    contracts = _kept_contracts(session, subject, held)
    submissions = _held_submissions(session, subject, held)
    for table, column in subject_columns(Base.metadata):
        if table.name in ("data_requests", "legal_holds"):
            continue  # requests: blanked above, unlinked below; holds: their own record
        statement = delete(table).where(column == subject.id)
        if table.name == "contracts" and contracts:
            statement = statement.where(table.c.id.not_in([c.id for c in contracts]))
        if table.name == "submissions" and submissions:
            statement = statement.where(table.c.id.not_in([s.id for s in submissions]))
        deleted = session.connection().execute(statement).rowcount
        if deleted:
            done.deleted[table.name] = deleted
    done.receipts_unlinked = done.deleted.pop("subject_visitors", 0)
    if contracts or submissions:
        _keep_for_contracts(subject, now)
        done.kept.extend(_why_kept(policy, contract, language, held) for contract in contracts)
        if submissions:
            done.kept.append(Kept("submissions", len(submissions), HELD, UNTIL_LIFTED))
    else:
        session.execute(
            update(DataRequest).where(DataRequest.subject_id == subject.id).values(subject_id=None)
        )
        session.delete(subject)
        done.deleted["subjects"] = 1
    return done


def _suppressed_subject(session: Session, indexes: Sequence[str], now: datetime) -> Subject | None:
    """Suppress the address; the person's record, if privet has one."""
    query = select(Subject).where(Subject.email_index.in_(indexes))
    subject = session.scalars(query).one_or_none()
    suppress(session, indexes[0], "erasure", now)
    if subject is not None and subject.email_index != indexes[0]:
        # Marketing finds a suppression by the index the record carries: an older key's
        # until a key rotation reaches the record (and moves the suppression with it).
        suppress(session, subject.email_index, "erasure", now)
    return subject


def _blank_requests(
    session: Session, indexes: Sequence[str], keep_request: uuid.UUID | None, now: datetime
) -> None:
    """The address goes from past requests, except the one answering and held ones; open
    ones keep it until they close, since their answer goes to it (art. 12(3) still runs)."""
    mine = DataRequest.email_index.in_(indexes) & DataRequest.id.not_in(
        holds_on(session, now).requests
    )
    if keep_request is not None:
        mine &= DataRequest.id != keep_request
    blanked = update(DataRequest).where(mine, DataRequest.status != "open").values(email="")
    session.execute(blanked.execution_options(synchronize_session=False))
    marked = select(RequestEvent.request_id).where(RequestEvent.step == ERASED_MEANWHILE)
    still_open = select(DataRequest.id).where(
        mine, DataRequest.status == "open", DataRequest.id.not_in(marked)
    )
    for request_id in session.scalars(still_open):
        session.add(RequestEvent(request_id=request_id, at=now, step=ERASED_MEANWHILE,
                                 note="the address goes when this request closes"))  # fmt: skip


def was_erased_meanwhile(session: Session, request_id: uuid.UUID) -> bool:
    """Whether the requester was erased while this request was open."""
    marked = select(RequestEvent.id).where(
        RequestEvent.request_id == request_id, RequestEvent.step == ERASED_MEANWHILE
    )
    return session.scalars(marked.limit(1)).first() is not None


def _keep_for_hold(subject: Subject, hold: LegalHold, now: datetime, done: StoreErasure) -> None:
    # GDPR art. 17(3)(e): erasure does not reach data needed for legal claims. Nothing
    # goes; the person is restricted, so the data is only stored until the hold ends.
    subject.restricted_at = subject.restricted_at or now
    subject.objected_at = subject.objected_at or now
    until = hold.ends_at.date().isoformat() if hold.ends_at else UNTIL_LIFTED
    done.kept.append(Kept("everything", 1, f"{HELD}: {hold.reason}", until))


def _kept_contracts(session: Session, subject: Subject, held: set[str]) -> list[Contract]:
    query = select(Contract).where(
        Contract.subject_id == subject.id,
        (Contract.legal_basis == LEGAL_OBLIGATION) | Contract.category.in_(held),
    )
    return list(session.scalars(query))


def _held_submissions(session: Session, subject: Subject, held: set[str]) -> list[Submission]:
    if not held:
        return []
    query = select(Submission).where(Submission.subject_id == subject.id)
    return [s for s in session.scalars(query) if held & set(s.categories.split(","))]


def _keep_for_contracts(subject: Subject, now: datetime) -> None:
    # The address stays: the contract must say whose it is. The rest of the person goes.
    subject.phone = None
    subject.restricted_at = subject.restricted_at or now
    subject.objected_at = subject.objected_at or now


def _why_kept(policy: Policy, contract: Contract, language: str, held: set[str]) -> Kept:
    if contract.category in held:
        return Kept("contracts", 1, HELD, UNTIL_LIFTED)
    purpose = policy.purposes.get(contract.purpose)
    reason = text_in(purpose.description, language, policy) if purpose else contract.purpose
    return Kept("contracts", 1, f"{reason} (legal obligation)", keep_label(policy, contract))
