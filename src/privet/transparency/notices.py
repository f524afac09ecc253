"""Change notices: with `change_notice: email`, one mail to each person with a relationship.

A relationship is a contract in force, a live marketing subscription (confirmed, not
withdrawn, not objected to, restricted or suppressed), or a data-subject request still
open. People are found by the blind index of their address, so someone who is a client
and a subscriber with a request open gets one mail; a lead who only wrote once, a closed
request, an unsubscribed or an erased person get none.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime

from babel.dates import format_date
from sqlalchemy import Select, or_, select, union
from sqlalchemy.orm import Session

from privet.clients.models import Contract
from privet.marketing.models import MarketingConsent
from privet.marketing.service import may_be_mailed
from privet.notify.service import queue_email
from privet.policy.schema import Policy
from privet.policy.texts import choose_language
from privet.rights.models import DataRequest
from privet.subjects.models import Subject
from privet.transparency.consent_news import ConsentNews
from privet.transparency.models import PolicyVersion
from privet.transparency.notice_wording import notice_words

log = logging.getLogger(__name__)

# People read and mailed per round trip: memory stays flat however large the store.
BATCH = 500


@dataclass(frozen=True)
class Person:
    email: str
    subject_id: uuid.UUID | None  # None: an open request from someone privet holds nothing on
    language: str | None  # the one they chose in a request or an opt-in, if any


def queue_change_notices(
    session: Session,
    policy: Policy,
    version: PolicyVersion,
    news: ConsentNews,
    *,
    base_url: str,
    now: datetime,
) -> int:
    """Queue the notice of `version` to everyone with a relationship; how many were queued."""
    if policy.policy.change_notice != "email":
        return 0
    mails: dict[str, tuple[str, str]] = {}  # the same words for everyone in one language
    queued = 0
    for batch in _related_batches(session, now.date()):
        for person in _people(session, batch):
            language = choose_language(policy, person.language)
            if language not in mails:
                mails[language] = _mail(policy, version, news, base_url.rstrip("/"), language)
            subject_line, body = mails[language]
            queue_email(
                session, person.email, subject_line, body, now, subject_id=person.subject_id
            )
            queued += 1
    log.info("change_notices_queued", extra={"policy_version": version.version, "count": queued})
    return queued


def _mail(
    policy: Policy, version: PolicyVersion, news: ConsentNews, base_url: str, language: str
) -> tuple[str, str]:
    said = notice_words(language)
    controller = policy.controller.name
    consent = ""
    if news.asks_again:
        items = [f"{vendor} ({category})" for category, vendor in news.vendors]
        consent = said["consent"].format(items=", ".join([*items, *news.categories]))
    body = said["body"].format(
        controller=controller,
        version=version.version,
        effective=format_date(version.effective, "long", locale=language),
        summary=version.summary,
        consent=consent,
        privacy=f"{base_url}/privacy?lang={language}",
        changes=f"{base_url}/privacy/changes?lang={language}",
    )
    return said["subject"].format(controller=controller), body


def _branches(today: date) -> list[Select[str]]:
    """The blind indexes of people with a relationship, one query per kind of relationship."""
    clients = (
        select(Subject.email_index)
        .join(Contract, Contract.subject_id == Subject.id)
        .where(or_(Contract.ends_on.is_(None), Contract.ends_on >= today))
    )
    subscribers = (
        select(Subject.email_index)
        .join(MarketingConsent, MarketingConsent.subject_id == Subject.id)
        .where(may_be_mailed())
    )
    requesters = select(DataRequest.email_index).where(DataRequest.status == "open")
    return [clients, subscribers, requesters]


def _related_batches(session: Session, today: date) -> Iterator[list[str]]:
    """Blind indexes in order, BATCH at a time, each batch found from where the last ended."""
    after = ""
    while True:
        merged = union(*(_first_after(branch, after) for branch in _branches(today))).subquery()
        index = merged.c[0]
        batch = list(session.scalars(select(index).order_by(index).limit(BATCH)))
        if not batch:
            return
        yield batch
        after = batch[-1]


def _first_after(branch: Select[str], after: str) -> Select[str]:
    """The branch's first BATCH distinct indexes past `after`: each round reads a bounded
    range of each index, not the whole union again. Distinct, so that among the first
    BATCH of the union none is left out."""
    index = branch.selected_columns[0]
    page = branch.where(index > after).distinct().order_by(index).limit(BATCH).subquery()
    return select(page.c[0])


def _people(session: Session, indexes: list[str]) -> list[Person]:
    """One person per index: the subject's address, else the open request's."""
    languages = _marketing_languages(session, indexes)
    found: dict[str, Person] = {}
    subjects = select(Subject.email_index, Subject.email, Subject.id)
    for index, email, subject_id in session.execute(
        subjects.where(Subject.email_index.in_(indexes))
    ):
        found[index] = Person(email, subject_id, languages.get(subject_id))
    requests = (
        select(DataRequest.email_index, DataRequest.email, DataRequest.language)
        .where(DataRequest.email_index.in_(indexes), DataRequest.status == "open")
        .order_by(DataRequest.received_at)
    )
    for index, email, language in session.execute(requests):
        # The language of their latest request wins: the one they chose most recently.
        known = found.get(index)
        found[index] = replace(known, language=language) if known else Person(email, None, language)
    return [found[index] for index in indexes if index in found]


def _marketing_languages(session: Session, indexes: list[str]) -> dict[uuid.UUID, str]:
    query = (
        select(MarketingConsent.subject_id, MarketingConsent.language)
        .join(Subject, Subject.id == MarketingConsent.subject_id)
        .where(Subject.email_index.in_(indexes), MarketingConsent.withdrawn_at.is_(None))
        .order_by(MarketingConsent.given_at)
    )
    return {subject_id: language for subject_id, language in session.execute(query)}
