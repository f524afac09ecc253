"""Who may be mailed now: the list a mailing processor (Mailchimp and the like) is given."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from privet.intake.models import Submission
from privet.marketing.models import MarketingConsent
from privet.marketing.service import marketing_of, may_be_mailed, unsubscribe_token
from privet.policy.schema import Policy
from privet.store.types import keyring_of
from privet.subjects.models import Subject

COLUMNS = ("email", "name", "language", "consented_at", "policy_version", "unsubscribe_url")


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    language: str
    consented_at: datetime
    policy_version: str
    unsubscribe_url: str

    def row(self) -> tuple[str, ...]:
        return (self.email, self.name, self.language, self.consented_at.isoformat(),
                self.policy_version, self.unsubscribe_url)  # fmt: skip


def mailable(session: Session, policy: Policy, base_url: str) -> Iterator[Recipient]:
    """Everyone with a confirmed, unwithdrawn opt-in, except the suppressed, the
    objecting and the restricted; one row a person, under their latest opt-in."""
    marketing_of(policy)  # no marketing section: nobody may be mailed
    keyring = keyring_of(session.get_bind().dialect)
    query = (
        select(Subject, MarketingConsent)
        .join(MarketingConsent, MarketingConsent.subject_id == Subject.id)
        .where(may_be_mailed())
        .order_by(Subject.id, MarketingConsent.confirmed_at.desc())
    )
    previous = None
    for subject, consent in session.execute(query):
        if subject.id == previous:
            continue
        previous = subject.id
        assert consent.confirmed_at is not None
        yield Recipient(
            email=subject.email,
            name=_latest_name(session, subject),
            language=consent.language,
            consented_at=consent.confirmed_at,
            policy_version=consent.policy_version,
            unsubscribe_url=f"{base_url}/unsubscribe/{unsubscribe_token(keyring, subject.id)}",
        )


def _latest_name(session: Session, subject: Subject) -> str:
    """The name the person last gave in a form, if any: mail addresses them by it."""
    query = (
        select(Submission.fields)
        .where(Submission.subject_id == subject.id)
        .order_by(Submission.submitted_at.desc())
    )
    for fields in session.scalars(query):
        name = json.loads(fields).get("name")
        if name:
            return str(name)
    return ""
