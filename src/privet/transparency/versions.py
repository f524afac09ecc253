"""Publishing the policy as numbered versions, and reading them back as published.

A version is published once: its texts are rendered and stored, and the people the
policy's `change_notice` names are told in the same transaction, so a notice goes out
if and only if the version it announces is on record.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from privet.auditlog import service as auditlog
from privet.policy.schema import Policy
from privet.transparency.consent_news import ConsentNews, consent_news
from privet.transparency.models import PolicyVersion
from privet.transparency.notices import queue_change_notices
from privet.transparency.render import policy_html, policy_markdown

log = logging.getLogger(__name__)

SUMMARY_LENGTH = 1000
FIRST_SUMMARY = {
    "en": "First published version",
    "fr": "Première version publiée",
    "ru": "Первая опубликованная редакция",
}


class PublishRefused(ValueError):
    """Nothing was written; the message says what to change."""


@dataclass(frozen=True)
class Published:
    version: PolicyVersion
    news: ConsentNews


def policy_content(policy: Policy) -> str:
    """The policy as canonical JSON: equal for equal promises, whatever the YAML comments."""
    dumped = policy.model_dump(mode="json", by_alias=True)
    return json.dumps(dumped, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def publish(
    session: Session,
    policy: Policy,
    source: str,
    summary: str,
    now: datetime,
    *,
    base_url: str,
) -> Published:
    """Store `policy` as a new version and queue its change notices."""
    summary = summary.strip()
    if not summary or len(summary) > SUMMARY_LENGTH:
        raise PublishRefused(f"summary: say what changed, in 1 to {SUMMARY_LENGTH} characters")
    latest = latest_version(session)
    _refuse_republishing(session, policy, latest)
    news = consent_news(json.loads(latest.content) if latest else None, policy)
    stored = _store(
        session,
        policy,
        source=source,
        summary=summary,
        now=now,
        published_by="privet policy publish",
        latest=latest,
    )
    stored.notices_queued = queue_change_notices(
        session, policy, stored, news, base_url=base_url, now=now
    )
    target, number = ("policy_version", stored.version), {"number": stored.number}
    auditlog.record(session, auditlog.SHELL, "policy_published", now, target=target, details=number)
    return Published(stored, news)


def record_policy_in_force(session: Session, policy: Policy, source: str, now: datetime) -> None:
    """At start: the first version if none is on record; else a warning when the policy in
    force is not the latest published, since /privacy/changes would not show it."""
    latest = latest_version(session)
    if latest is None:
        summary = FIRST_SUMMARY.get(policy.policy.languages[0], FIRST_SUMMARY["en"])
        try:
            with session.begin_nested():
                _store(
                    session,
                    policy,
                    source=source,
                    summary=summary,
                    now=now,
                    published_by="privet serve",
                    latest=None,
                )
        except IntegrityError:
            return  # another `privet serve` starting at the same moment recorded it
        log.info("policy_version_published", extra={"policy_version": policy.policy.version})
    elif latest.content != policy_content(policy):
        log.warning(
            "policy_not_published",
            extra={
                "policy_version": policy.policy.version,
                "published_version": latest.version,
                "hint": 'run `privet policy publish --summary "what changed"`',
            },
        )


def _refuse_republishing(session: Session, policy: Policy, latest: PolicyVersion | None) -> None:
    version = policy.policy.version
    if latest is not None and latest.content == policy_content(policy):
        raise PublishRefused(f"nothing changed since version {version} was published")
    if "/" in version:
        raise PublishRefused("policy.version: no '/', it is part of the version's address")
    if len(version) > 64:
        raise PublishRefused("policy.version: at most 64 characters")
    taken = find_version(session, version)
    if taken is not None:
        raise PublishRefused(
            f"version {version} was already published on {taken.published_at.date()} and "
            "this policy differs from it: raise policy.version"
        )


def _store(
    session: Session,
    policy: Policy,
    *,
    source: str,
    summary: str,
    now: datetime,
    published_by: str,
    latest: PolicyVersion | None,
) -> PolicyVersion:
    texts = {
        language: {"md": policy_markdown(policy, language), "html": policy_html(policy, language)}
        for language in policy.policy.languages
    }
    stored = PolicyVersion(
        number=latest.number + 1 if latest else 1,
        version=policy.policy.version,
        effective=policy.policy.effective,
        published_at=now,
        summary=summary,
        source=source,
        content=policy_content(policy),
        texts=texts,
        published_by=published_by,
        notices_queued=0,
    )
    session.add(stored)
    session.flush()
    return stored


def latest_version(session: Session) -> PolicyVersion | None:
    query = select(PolicyVersion).order_by(PolicyVersion.number.desc()).limit(1)
    return session.scalars(query).one_or_none()


def all_versions(session: Session) -> list[PolicyVersion]:
    """Newest first. A policy changes a few times a year: the whole list is small."""
    return list(session.scalars(select(PolicyVersion).order_by(PolicyVersion.number.desc())))


def find_version(session: Session, version: str) -> PolicyVersion | None:
    query = select(PolicyVersion).where(PolicyVersion.version == version)
    return session.scalars(query).one_or_none()


def previous_of(session: Session, version: PolicyVersion) -> PolicyVersion | None:
    query = select(PolicyVersion).where(PolicyVersion.number == version.number - 1)
    return session.scalars(query).one_or_none()
