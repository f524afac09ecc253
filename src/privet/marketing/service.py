"""Marketing consent: opt-ins with their proof, confirmation, one-click unsubscribe.

An opt-in counts once it is confirmed (at once, or by the emailed link under double
opt-in). Unsubscribing withdraws every consent and puts the address's blind index on the
suppression list, which outlives the subject: after that only the address's owner,
confirming by email, can subscribe it again. Each unsubscribe is noted in the erasure
ledger before it commits, so restoring an older backup does not subscribe anyone again.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Exists, and_, delete, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from privet.backup.ledger import ErasureLedger, Unsubscribe
from privet.marketing.models import MarketingConsent, Suppression
from privet.policy.schema import Marketing, Policy
from privet.policy.texts import text_in
from privet.store.crypto import Keyring, SecretKeyError
from privet.store.types import keyring_of
from privet.subjects.models import Subject
from privet.subjects.service import email_index, email_indexes

OPT_IN_FIELD = "privet_marketing"  # the unticked box of a form with marketing_opt_in
CONFIRMATION_LIFETIME = timedelta(days=7)
# Authenticated data of unsubscribe tokens: a ciphertext made for anything else won't open.
UNSUBSCRIBE_CONTEXT = "unsubscribe link"

DEFAULT_WORDING = {
    "en": "Yes, send me marketing email ({purpose}). I can unsubscribe at any time.",
    "fr": "Oui, envoyez-moi des courriels de prospection ({purpose}). "
    "Je peux me désinscrire à tout moment.",
    "ru": "Да, присылайте мне рекламные письма ({purpose}). Я могу отписаться в любой момент.",
}


class NoMarketing(LookupError):
    """The policy has no marketing section: nobody may be mailed."""


@dataclass(frozen=True)
class OptIn:
    consent: MarketingConsent
    # Set when the address's owner must confirm: the secret for the emailed link.
    confirm_token: str | None


def marketing_of(policy: Policy) -> Marketing:
    if policy.marketing is None:
        raise NoMarketing("the policy has no marketing section")
    return policy.marketing


def opt_in_wording(policy: Policy, language: str) -> str:
    """The exact words shown next to the box, in `language`: stored as the opt-in's proof."""
    marketing = marketing_of(policy)
    if marketing.opt_in_label is not None:
        return text_in(marketing.opt_in_label, language, policy)
    purpose = text_in(policy.purposes[marketing.purpose].description, language, policy)
    wording = DEFAULT_WORDING.get(language, DEFAULT_WORDING["en"])
    return wording.format(purpose=purpose[:1].lower() + purpose[1:])


def record_opt_in(
    session: Session,
    policy: Policy,
    subject: Subject,
    *,
    form: str | None,
    language: str,
    method: str,
    now: datetime,
) -> OptIn:
    """Store an opt-in with its proof; confirmed now unless the owner must confirm by mail."""
    suppressed_now = is_suppressed(session, *email_indexes(session, subject.email))
    must_confirm = marketing_of(policy).double_opt_in or suppressed_now
    token = secrets.token_urlsafe(32) if must_confirm else None
    consent = MarketingConsent(
        subject_id=subject.id,
        method=method,
        form=form,
        wording=opt_in_wording(policy, language),
        language=language,
        policy_version=policy.policy.version,
        given_at=now,
        confirmed_at=None if must_confirm else now,
        confirm_token_hash=_hash(token) if token else None,
    )
    session.add(consent)
    session.flush()
    return OptIn(consent, token)


def confirm_opt_in(session: Session, token: str, now: datetime) -> bool:
    """Confirm the opt-in `token` was mailed for; False if unknown, expired or withdrawn.

    Confirming again is harmless. A confirmed opt-in lifts a suppression: the address's
    owner has just asked, in person, to be mailed again."""
    query = select(MarketingConsent).where(MarketingConsent.confirm_token_hash == _hash(token))
    consent = session.scalars(query).one_or_none()
    if consent is None or consent.withdrawn_at is not None:
        return False
    if consent.confirmed_at is None:
        if now - consent.given_at > CONFIRMATION_LIFETIME:
            return False
        consent.confirmed_at = now
        subject = session.get_one(Subject, consent.subject_id)
        indexes = email_indexes(session, subject.email)
        session.execute(delete(Suppression).where(Suppression.email_index.in_(indexes)))
    return True


def unsubscribe_token(keyring: Keyring, subject_id: uuid.UUID) -> str:
    """An opaque, authenticated token naming the subject: no id or address readable in it."""
    sealed = keyring.encrypt(subject_id.hex, UNSUBSCRIBE_CONTEXT)
    return base64.urlsafe_b64encode(sealed).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class Unsubscribed:
    """A link privet made was used; `email`, the address whose marketing it ended, is None
    when it changed nothing (a second click, or after the person was erased)."""

    email: str | None


def unsubscribe(
    session: Session, token: str, now: datetime, *, ledger: ErasureLedger
) -> Unsubscribed | None:
    """Withdraw every marketing consent of the token's subject and suppress their address,
    noted in the `ledger` before the caller commits.

    None if the token is not one privet made. Unsubscribing twice, or after the person
    was erased, is still a success: there is nobody left to mail."""
    subject_id = _subject_of_token(keyring_of(session.get_bind().dialect), token)
    if subject_id is None:
        return None
    subject = session.get(Subject, subject_id)
    if subject is None:
        return Unsubscribed(None)
    suppressed = suppress(session, subject.email_index, "unsubscribe", now)
    # A second click changes nothing and adds no line: a link that anyone holding it
    # can post to must not grow the ledger, nor force it to disk, at will.
    if not (_withdraw_opt_ins(session, subject.id, now) or suppressed):
        return Unsubscribed(None)
    note_unsubscribe(session, ledger, subject.email, "unsubscribe", now)
    return Unsubscribed(subject.email)


def note_unsubscribe(
    session: Session, ledger: ErasureLedger, email: str, reason: str, now: datetime
) -> None:
    """Note in the ledger, on disk before the caller commits, that marketing to `email`
    ended (`reason`: the suppression's): a restore of an older backup ends it again.
    Under the current key, as an erasure is (docs/backups.md)."""
    key_id = keyring_of(session.get_bind().dialect).key_id
    ledger.append(Unsubscribe(now, key_id, email_index(session, email), reason))


def reapply_unsubscribe(session: Session, index: str, reason: str, at: datetime) -> bool:
    """Make again, in a restored database, an unsubscribe the ledger noted at `at`: the
    address suppressed, the opt-ins given until then withdrawn; True if it withdrew one.

    An opt-in the owner confirmed after `at` stands, suppression lifted: they subscribed
    again since, as they alone may. An objection also marks the person again: unlike a
    suppression, it outlives a new opt-in (GDPR art. 21(3))."""
    subject = session.scalars(select(Subject).where(Subject.email_index == index)).one_or_none()
    if subject is not None and reason == "objection":
        subject.objected_at = subject.objected_at or at
    if subject is not None and _confirmed_since(session, subject.id, at):
        return False
    suppress(session, index, reason, at)
    until_then = MarketingConsent.given_at <= at  # a later one awaits its owner's confirmation
    return subject is not None and _withdraw_opt_ins(session, subject.id, at, until_then) > 0


def suppress(session: Session, email_index: str, reason: str, now: datetime) -> bool:
    """Put an address on the suppression list; already there, it keeps its first date and
    this is False."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Suppression).values(
        email_index=email_index, suppressed_at=now, reason=reason
    )
    statement = statement.on_conflict_do_nothing(index_elements=["email_index"])
    done = session.connection().execute(statement)
    return done.rowcount > 0


def is_suppressed(session: Session, *indexes: str) -> bool:
    """Whether the address of any of these blind `indexes` is suppressed: pass its index
    under every key, since an erased person's suppression keeps the key that made it."""
    query = select(Suppression.email_index).where(Suppression.email_index.in_(indexes))
    return session.scalars(query.limit(1)).first() is not None


def suppressed() -> Exists:
    """A clause: the subject's address is on the suppression list."""
    return exists().where(Suppression.email_index == Subject.email_index)


def live_opt_in() -> ColumnElement[bool]:
    """A clause on MarketingConsent: confirmed, and not withdrawn."""
    return and_(MarketingConsent.confirmed_at.is_not(None), MarketingConsent.withdrawn_at.is_(None))


def may_be_mailed() -> ColumnElement[bool]:
    """A clause on a Subject joined to its MarketingConsent: a live opt-in, and nobody
    objecting, restricted or suppressed. Who marketing mail may go to."""
    return and_(
        live_opt_in(), Subject.objected_at.is_(None), Subject.restricted_at.is_(None), ~suppressed()
    )


def _withdraw_opt_ins(
    session: Session, subject_id: uuid.UUID, at: datetime, *only: ColumnElement[bool]
) -> int:
    """Withdraw, at `at`, the subject's opt-ins not yet withdrawn (`only` those); how many."""
    withdrawn = session.connection().execute(
        update(MarketingConsent)
        .where(MarketingConsent.subject_id == subject_id, *only)
        .where(MarketingConsent.withdrawn_at.is_(None))
        .values(withdrawn_at=at)
    )
    return withdrawn.rowcount


def _confirmed_since(session: Session, subject_id: uuid.UUID, at: datetime) -> bool:
    query = select(MarketingConsent.id).where(
        MarketingConsent.subject_id == subject_id, MarketingConsent.confirmed_at > at
    )
    return session.scalars(query.limit(1)).first() is not None


def _subject_of_token(keyring: Keyring, token: str) -> uuid.UUID | None:
    try:
        sealed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        return uuid.UUID(hex=keyring.decrypt(sealed, UNSUBSCRIBE_CONTEXT))
    except (ValueError, SecretKeyError):
        return None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
