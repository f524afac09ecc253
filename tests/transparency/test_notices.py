"""Change notices: who is told of a new version (on SQLite and PostgreSQL), in which
language, with what words; and nobody when the policy does not promise email."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import NOW
from privet.backup.ledger import ErasureLedger
from privet.marketing import service as marketing
from privet.notify.models import OutboxMessage
from privet.policy.schema import Policy
from privet.rights import service as rights
from privet.rights.service import Asked
from privet.store.open import Store
from privet.subjects.service import find_subject
from privet.transparency import notices, versions
from transparency.editions import Edition, edition
from transparency.relationships import NTROPIC, client, lead, requester, subscriber

BASE_URL = "https://privacy.example.org"
SECOND = date(2026, 12, 1)
DOUBLE_OPT_IN = NTROPIC  # whose marketing section asks the address's owner to confirm
RELATED = {"ann@example.org", "bea@example.org", "cat@example.org", "dan@example.org"}


def everyone(store: Store, policy: Policy, ledger: ErasureLedger) -> None:
    """Four people with a relationship, and as many without one."""
    client(store, policy, "ann@example.org")  # a contract in force, no language known
    subscriber(store, "bea@example.org", "en")
    requester(store, policy, "cat@example.org", "en")  # privet holds nothing else on cat
    client(store, policy, "dan@example.org")  # all three at once: told once
    subscriber(store, "dan@example.org", "fr")
    requester(store, policy, "dan@example.org", "en")
    client(store, policy, "fay@example.org", ends_on=NOW.date() - timedelta(days=1))
    requester(store, policy, "gus@example.org", "en", status="done")
    subscriber(store, "hal@example.org", "en")
    subscriber(store, "ivy@example.org", "en", DOUBLE_OPT_IN)  # never confirmed
    subscriber(store, "kim@example.org", "en")
    lead(store, policy, "eve@example.org")
    with store.transaction() as session:
        hal = find_subject(session, "hal@example.org")
        kim = find_subject(session, "kim@example.org")
        assert hal is not None and kim is not None
        token = marketing.unsubscribe_token(store.keyring, hal.id)
        marketing.unsubscribe(session, token, NOW, ledger=ledger)
        kim.objected_at = NOW
        jon = Asked("access", "jon@example.org")  # asks, and never proves the address
        rights.receive_request(session, policy, jon, language="en", now=NOW)


def publish(store: Store, published: Edition, summary: str) -> versions.Published:
    with store.transaction() as session:
        return versions.publish(
            session, published.policy, published.source, summary, NOW, base_url=BASE_URL
        )


def outbox(store: Store) -> dict[str, OutboxMessage]:
    with store.transaction() as session:
        messages = list(session.scalars(select(OutboxMessage)))
    by_recipient = {message.recipient: message for message in messages}
    assert len(by_recipient) == len(messages), "someone got two notices"
    return by_recipient


def test_only_people_with_a_relationship_are_told_once_each(
    store: Store, policy: Policy, tmp_path: Path
) -> None:
    publish(store, edition(), "First published version")
    everyone(store, policy, ErasureLedger(tmp_path / "privet.erasures"))
    assert outbox(store) == {}
    published = publish(store, edition(version=SECOND, change_notice="email"), "Clearer")
    sent = outbox(store)
    assert set(sent) == RELATED
    assert published.version.notices_queued == 4
    subjects = {email: message.subject_line for email, message in sent.items()}
    assert subjects["ann@example.org"] == "NTOPROG a mis à jour sa politique de confidentialité"
    for email in ("bea@example.org", "cat@example.org", "dan@example.org"):
        assert subjects[email] == "NTOPROG has updated its privacy policy", email
    assert sent["cat@example.org"].subject_id is None
    assert sent["ann@example.org"].subject_id is not None


def test_the_mail_gives_the_summary_the_date_the_links_and_what_is_asked_again(
    store: Store, policy: Policy
) -> None:
    publish(store, edition(), "First published version")
    client(store, policy, "ann@example.org")
    changed = edition(version=SECOND, vendor="Matomo", change_notice="email")
    publish(store, changed, "Matomo now measures our audience.")
    body = outbox(store)["ann@example.org"].body
    assert "Ce qui change : Matomo now measures our audience." in body
    assert "en vigueur à partir du 1 décembre 2026" in body
    assert f"{BASE_URL}/privacy?lang=fr" in body
    assert f"{BASE_URL}/privacy/changes?lang=fr" in body
    assert "Nouveau dans vos choix de cookies : Matomo (analytics)." in body


@pytest.mark.parametrize("change_notice", ["none", "notice"])
def test_nobody_is_mailed_unless_the_policy_promises_email(
    store: Store, policy: Policy, change_notice: str
) -> None:
    publish(store, edition(), "First published version")
    client(store, policy, "ann@example.org")
    published = publish(store, edition(version=SECOND, change_notice=change_notice), "Clearer")
    assert published.version.notices_queued == 0
    assert outbox(store) == {}


def test_people_are_read_in_batches_without_missing_or_repeating_anyone(
    store: Store, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notices, "BATCH", 2)
    emails = [f"person{n}@example.org" for n in range(7)]
    for n, email in enumerate(emails):
        client(store, policy, email)
        if n % 2:  # some are requesters too: one index, two branches
            requester(store, policy, email, "en")
    publish(store, edition(), "First published version")
    publish(store, edition(version=SECOND, change_notice="email"), "Clearer")
    assert set(outbox(store)) == set(emails)
