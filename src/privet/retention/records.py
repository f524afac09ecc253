"""Every kind of record privet stores about people, as retention sees it: which rule
governs it, the time its retention counts from (its anchor), and what expiry does to it.

A table holding personal data that is not listed in RECORD_TYPES would escape every rule;
tests/retention/test_records.py fails when a table that points at a person is missing.
"""

from __future__ import annotations

import json
from collections.abc import Set
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    delete,
    false,
    func,
    select,
    update,
)
from sqlalchemy.orm import Session

from privet.analytics.models import Pageview
from privet.clients.models import Contract
from privet.clients.service import contract_categories
from privet.consent.models import ConsentReceipt
from privet.intake.models import Submission
from privet.marketing.models import MarketingConsent
from privet.notify.models import OutboxMessage
from privet.policy.schema import Policy
from privet.retention.rules import REQUESTS_RULE, SENT_MAIL_RULE, Rule, governing
from privet.rights.models import DataRequest
from privet.subjects.models import Subject, SubjectVisitor


@dataclass(frozen=True)
class Holds:
    """What active legal holds cover, as SQL the record types filter on."""

    subjects: Select[Any]
    requests: Select[Any]
    categories: Set[str]

    def visitors(self) -> Select[Any]:
        """Browsers linked to a held person: their receipts and page views are held too."""
        return select(SubjectVisitor.visitor_index).where(
            SubjectVisitor.subject_id.in_(self.subjects)
        )


@dataclass(frozen=True)
class Governed:
    """The rows of one record type a rule governs, and the expression of their anchor."""

    ids: Select[Any]
    anchor: SQLColumnExpression[Any]
    dated: bool = False  # the anchor is a date (a contract's end), not a moment

    def due(self, cutoff: datetime) -> Select[Any]:
        bound = cutoff.date() if self.dated else cutoff
        return self.ids.where(self.anchor < bound)


class RecordType:
    """One table of records about people. Subclasses say which rows a rule governs."""

    name: ClassVar[str]
    model: ClassVar[Any]
    # On PostgreSQL, the month partitions of this column are dropped whole at expiry.
    partitioned_by: ClassVar[str | None] = None

    def categories(self, policy: Policy) -> set[str]:
        """The data categories its records may be filed under."""
        return set()

    def governed(self, session: Session, policy: Policy, rule: Rule) -> Governed | None:
        raise NotImplementedError

    def held(self, holds: Holds) -> ColumnElement[bool]:
        return self.model.subject_id.in_(holds.subjects)  # type: ignore[no-any-return]

    def delete(self, session: Session, ids: Select[Any]) -> int:
        statement = delete(self.model).where(self.model.id.in_(ids))
        return session.connection().execute(statement).rowcount

    def anonymise(self, session: Session, policy: Policy, ids: Select[Any]) -> int:
        raise NotImplementedError(f"{self.name} can only be deleted")


def _last_contact(
    query: Select[Any], model: Any, collected: Any
) -> tuple[Select[Any], SQLColumnExpression[Any]]:
    """The person's last contact, or the record's own time if the person has none."""
    joined = query.join(Subject, Subject.id == model.subject_id)
    return joined, func.coalesce(Subject.last_contact_at, collected)


class Submissions(RecordType):
    name, model = "submissions", Submission

    def categories(self, policy: Policy) -> set[str]:
        found = {form.category for form in policy.forms.values()}
        found |= {f.category for form in policy.forms.values() for f in form.fields.values()}
        found.add(policy.abuse.category if policy.abuse else None)
        return {name for name in found if name}

    def governed(self, session: Session, policy: Policy, rule: Rule) -> Governed | None:
        # A submission may hold fields of several categories: the longest rule keeps it.
        stored = list(session.scalars(select(Submission.categories).distinct()))
        held_here = {c for value in stored for c in value.split(",")} | self.categories(policy)
        if rule.category not in held_here:
            return None
        ours = [value for value in stored if governing(policy, value.split(",")) == rule.name]
        query = select(Submission.id).where(
            Submission.categories.in_(ours), Submission.subject_id.is_not(None)
        )
        if rule.after == "last_contact":
            return Governed(*_last_contact(query, Submission, Submission.submitted_at))
        return Governed(query, Submission.submitted_at)

    def anonymise(self, session: Session, policy: Policy, ids: Select[Any]) -> int:
        """Keep the fields the policy declares not personal; unlink the person."""
        submissions = list(session.scalars(select(Submission).where(Submission.id.in_(ids))))
        for submission in submissions:
            kept = _impersonal(policy, submission.categories.split(","))
            values = json.loads(submission.fields)
            submission.fields = json.dumps({k: v for k, v in values.items() if k in kept})
            submission.subject_id = None
        session.flush()
        return len(submissions)


def _impersonal(policy: Policy, categories: list[str]) -> set[str]:
    return {
        name
        for category in categories
        if category in policy.data_categories
        for name, spec in policy.data_categories[category].fields.items()
        if not spec.personal
    }


class Contracts(RecordType):
    name, model = "contracts", Contract

    def categories(self, policy: Policy) -> set[str]:
        return set(contract_categories(policy))

    def governed(self, session: Session, policy: Policy, rule: Rule) -> Governed | None:
        if rule.category not in self.categories(policy):
            return None
        if governing(policy, [rule.category]) != rule.name:
            return None
        query = select(Contract.id).where(Contract.category == rule.category)
        if rule.after == "contract_end":  # a running contract (no end) is never due
            return Governed(query, Contract.ends_on, dated=True)
        if rule.after == "last_contact":
            return Governed(*_last_contact(query, Contract, Contract.recorded_at))
        return Governed(query, Contract.recorded_at)


def marketing_category(policy: Policy) -> str | None:
    if policy.marketing is None:
        return None
    categories = policy.purposes[policy.marketing.purpose].categories
    return categories[0] if categories else None


class MarketingConsents(RecordType):
    name, model = "marketing_consents", MarketingConsent

    def categories(self, policy: Policy) -> set[str]:
        category = marketing_category(policy)
        return {category} if category else set()

    def governed(self, session: Session, policy: Policy, rule: Rule) -> Governed | None:
        category = marketing_category(policy)
        if category is None or category != rule.category:
            return None
        if governing(policy, [category]) != rule.name:
            return None
        query = select(MarketingConsent.id)
        if rule.after == "last_contact":
            return Governed(*_last_contact(query, MarketingConsent, MarketingConsent.given_at))
        return Governed(query, MarketingConsent.given_at)


class ConsentReceipts(RecordType):
    name, model = "consent_receipts", ConsentReceipt
    partitioned_by = "recorded_at"

    def categories(self, policy: Policy) -> set[str]:
        return {policy.consent.category} if policy.consent else set()

    def governed(self, session: Session, policy: Policy, rule: Rule) -> Governed | None:
        category = policy.consent.category if policy.consent else None
        if category is None or category != rule.category:
            return None
        if governing(policy, [category]) != rule.name:
            return None
        return Governed(select(ConsentReceipt.id), ConsentReceipt.recorded_at)

    def held(self, holds: Holds) -> ColumnElement[bool]:
        return ConsentReceipt.visitor_index.in_(holds.visitors())


def analytics_category(policy: Policy) -> str | None:
    purpose = policy.analytics.purpose
    categories = policy.purposes[purpose].categories if purpose else []
    return categories[0] if categories else None


class Pageviews(RecordType):
    name, model = "pageviews", Pageview
    partitioned_by = "viewed_at"

    def categories(self, policy: Policy) -> set[str]:
        category = analytics_category(policy)
        return {category} if category else set()

    def governed(self, session: Session, policy: Policy, rule: Rule) -> Governed | None:
        category = analytics_category(policy)
        if category is None or category != rule.category:
            return None
        if governing(policy, [category]) != rule.name:
            return None
        query = select(Pageview.id)
        if rule.then == "anonymise":  # already anonymised rows are no longer anyone's
            query = query.where(Pageview.visitor.is_not(None))
        return Governed(query, Pageview.viewed_at)

    def held(self, holds: Holds) -> ColumnElement[bool]:
        return Pageview.visitor.in_(holds.visitors())

    def anonymise(self, session: Session, policy: Policy, ids: Select[Any]) -> int:
        statement = update(Pageview).where(Pageview.id.in_(ids))
        statement = statement.values(visitor=None, consent_id=None)
        return session.connection().execute(statement).rowcount


class Requests(RecordType):
    """A closed request is the proof it was answered; kept `rights.records_kept`."""

    name, model = "data_requests", DataRequest

    def governed(self, session: Session, policy: Policy, rule: Rule) -> Governed | None:
        if rule.name != REQUESTS_RULE:
            return None
        return Governed(select(DataRequest.id), DataRequest.closed_at)

    def held(self, holds: Holds) -> ColumnElement[bool]:
        return DataRequest.id.in_(holds.requests) | DataRequest.subject_id.in_(holds.subjects)


class SentMail(RecordType):
    name, model = "outbox_messages", OutboxMessage

    def governed(self, session: Session, policy: Policy, rule: Rule) -> Governed | None:
        if rule.name != SENT_MAIL_RULE:
            return None
        return Governed(select(OutboxMessage.id), OutboxMessage.sent_at)


RECORD_TYPES: tuple[RecordType, ...] = (
    Submissions(),
    Contracts(),
    MarketingConsents(),
    ConsentReceipts(),
    Pageviews(),
    Requests(),
    SentMail(),
)


def stored_categories(session: Session) -> set[str]:
    """The categories records in the store are filed under, by their own columns."""
    found = {
        category
        for value in session.scalars(select(Submission.categories).distinct())
        for category in value.split(",")
    }
    return found | set(session.scalars(select(Contract.category).distinct()))


def nothing_left(holds: Holds) -> ColumnElement[bool]:
    """People privet holds nothing about any more (every record of theirs has expired):
    their own row, with their address, goes too. Open requests and held people stay."""
    keeping = [
        select(Submission.id).where(Submission.subject_id == Subject.id),
        select(Contract.id).where(Contract.subject_id == Subject.id),
        select(MarketingConsent.id).where(MarketingConsent.subject_id == Subject.id),
        select(OutboxMessage.id).where(OutboxMessage.subject_id == Subject.id),
        select(DataRequest.id).where(
            DataRequest.subject_id == Subject.id, DataRequest.closed_at.is_(None)
        ),
    ]
    condition: ColumnElement[bool] = false()
    for query in keeping:
        condition = condition | query.exists()
    return ~condition & Subject.id.not_in(holds.subjects)
