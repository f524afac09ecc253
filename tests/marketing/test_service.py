from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, select

from conftest import NOW
from marketing.conftest import INQUIRY, NOTICES
from privet.backup.ledger import ErasureLedger, Unsubscribe
from privet.intake.service import SubmissionInvalid, submit
from privet.marketing import export, service
from privet.marketing.models import MarketingConsent, Suppression
from privet.notify.models import OutboxMessage
from privet.policy.schema import Policy
from privet.store.open import Store
from privet.subjects.models import Subject
from privet.subjects.service import email_index, find_subject

OPT_IN = INQUIRY | {"privet_marketing": "true"}


def _send(store: Store, policy: Policy, values: dict[str, str], when: datetime = NOW) -> None:
    with store.transaction() as session:
        submit(session, policy, "inquiry", values, when, notices=NOTICES)


def _mailable(store: Store, policy: Policy) -> list[str]:
    with store.transaction() as session:
        return [r.email for r in export.mailable(session, policy, NOTICES.base_url)]


def _token(store: Store, email: str = "ann@example.org") -> str:
    with store.transaction() as session:
        subject = find_subject(session, email)
        assert subject is not None
        return service.unsubscribe_token(store.keyring, subject.id)


def test_an_opt_in_is_stored_with_its_proof(store: Store, single_opt_in: Policy) -> None:
    _send(store, single_opt_in, OPT_IN | {"privet_lang": "en"})
    with store.transaction() as session:
        consent = session.scalars(select(MarketingConsent)).one()
    assert consent.given_at == NOW and consent.confirmed_at == NOW
    assert consent.form == "inquiry" and consent.method == "form"
    assert consent.policy_version == single_opt_in.policy.version
    assert consent.wording == service.opt_in_wording(single_opt_in, "en")
    assert "(sending you information about our Services, news and events)" in consent.wording
    assert _mailable(store, single_opt_in) == ["ann@example.org"]


def test_an_unticked_box_records_no_consent(store: Store, single_opt_in: Policy) -> None:
    _send(store, single_opt_in, INQUIRY)
    with store.transaction() as session:
        assert session.scalars(select(MarketingConsent)).all() == []
    assert _mailable(store, single_opt_in) == []


def test_a_form_without_the_box_refuses_an_opt_in(store: Store, policy: Policy) -> None:
    values = {"name": "Ann", "email": "ann@example.org", "message": "Hi"}
    with store.transaction() as session, pytest.raises(SubmissionInvalid) as refused:
        submit(session, policy, "contact", values | {"privet_marketing": "yes"}, NOW,
               notices=NOTICES)  # fmt: skip
    assert refused.value.problems == {"privet_marketing": "this form has no marketing opt-in"}


def test_the_age_gate_must_be_confirmed(store: Store, ntropic: Policy) -> None:
    values = {k: v for k, v in INQUIRY.items() if k != "privet_age_confirmed"}
    with store.transaction() as session, pytest.raises(SubmissionInvalid) as refused:
        submit(session, ntropic, "inquiry", values, NOW, notices=NOTICES)
    assert "at least 13" in refused.value.problems["privet_age_confirmed"]


def test_double_opt_in_counts_only_once_confirmed(store: Store, ntropic: Policy) -> None:
    with store.transaction() as session:
        received = submit(session, ntropic, "inquiry", OPT_IN, NOW, notices=NOTICES)
        mail = session.scalars(select(OutboxMessage)).one()
    assert received.confirmation_sent
    assert _mailable(store, ntropic) == []
    token = mail.body.split("/marketing/confirm/")[1].split()[0]
    with store.transaction() as session:
        assert service.confirm_opt_in(session, token, NOW + timedelta(hours=1))
    assert _mailable(store, ntropic) == ["ann@example.org"]


def test_a_confirmation_link_expires_and_cannot_be_guessed(store: Store, ntropic: Policy) -> None:
    with store.transaction() as session:
        submit(session, ntropic, "inquiry", OPT_IN, NOW, notices=NOTICES)
        mail = session.scalars(select(OutboxMessage)).one()
    token = mail.body.split("/marketing/confirm/")[1].split()[0]
    with store.transaction() as session:
        assert not service.confirm_opt_in(session, token + "x", NOW)
        assert not service.confirm_opt_in(session, token, NOW + timedelta(days=8))
    assert _mailable(store, ntropic) == []


def test_unsubscribing_suppresses_and_survives_a_new_submission(
    store: Store, single_opt_in: Policy, ledger: ErasureLedger
) -> None:
    _send(store, single_opt_in, OPT_IN)
    with store.transaction() as session:
        assert service.unsubscribe(session, _token(store), NOW, ledger=ledger)
    _send(store, single_opt_in, INQUIRY, NOW + timedelta(days=1))  # box left unticked
    assert _mailable(store, single_opt_in) == []
    with store.transaction() as session:
        consent = session.scalars(select(MarketingConsent)).one()
        assert consent.withdrawn_at == NOW
        assert session.scalars(select(Suppression)).one().reason == "unsubscribe"


def test_an_unsubscribe_is_on_disk_before_it_commits_and_names_no_one(
    store: Store, single_opt_in: Policy, ledger: ErasureLedger
) -> None:
    _send(store, single_opt_in, OPT_IN)
    token = _token(store)
    with pytest.raises(RuntimeError), store.transaction() as session:
        assert service.unsubscribe(session, token, NOW, ledger=ledger)
        raise RuntimeError("the process dies before the commit")
    (entry,) = ledger.entries()
    with store.transaction() as session:
        index = email_index(session, "ann@example.org")
    assert entry == Unsubscribe(NOW, store.keyring.key_id, index, "unsubscribe")
    noted = ledger.path.read_text()
    assert "ann@example.org" not in noted and "ann" not in noted.lower()
    assert ledger.path.stat().st_mode & 0o777 == 0o600


def test_a_second_click_adds_no_line_to_the_ledger(
    store: Store, single_opt_in: Policy, ledger: ErasureLedger
) -> None:
    _send(store, single_opt_in, OPT_IN)
    token = _token(store)
    for _ in range(2):
        with store.transaction() as session:
            assert service.unsubscribe(session, token, NOW, ledger=ledger)
    assert [entry.reason for entry in ledger.unsubscribes()] == ["unsubscribe"]


def test_a_suppressed_address_must_confirm_to_subscribe_again(
    store: Store, single_opt_in: Policy, ledger: ErasureLedger
) -> None:
    """Even under single opt-in: only the address's owner can lift a suppression."""
    _send(store, single_opt_in, OPT_IN)
    with store.transaction() as session:
        service.unsubscribe(session, _token(store), NOW, ledger=ledger)
    with store.transaction() as session:
        received = submit(session, single_opt_in, "inquiry", OPT_IN, NOW, notices=NOTICES)
        mail = session.scalars(select(OutboxMessage)).one()
    assert received.confirmation_sent and _mailable(store, single_opt_in) == []
    token = mail.body.split("/marketing/confirm/")[1].split()[0]
    with store.transaction() as session:
        assert service.confirm_opt_in(session, token, NOW)
        assert session.scalars(select(Suppression)).all() == []
    assert _mailable(store, single_opt_in) == ["ann@example.org"]


def test_the_suppression_outlives_the_person(
    store: Store, single_opt_in: Policy, ledger: ErasureLedger
) -> None:
    _send(store, single_opt_in, OPT_IN)
    with store.transaction() as session:
        service.unsubscribe(session, _token(store), NOW, ledger=ledger)
        session.execute(delete(Subject))  # erased, with everything about them
    with store.transaction() as session:
        assert session.scalars(select(MarketingConsent)).all() == []
        index = session.scalars(select(Suppression.email_index)).one()
    assert "ann" not in index  # a blind index, not the address
    _send(store, single_opt_in, OPT_IN)  # comes back through a form (or an import)
    assert _mailable(store, single_opt_in) == []


def test_a_forged_or_foreign_token_unsubscribes_nobody(
    store: Store, single_opt_in: Policy, ledger: ErasureLedger
) -> None:
    _send(store, single_opt_in, OPT_IN)
    token = _token(store)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with store.transaction() as session:
        assert not service.unsubscribe(session, forged, NOW, ledger=ledger)
        assert not service.unsubscribe(session, "not-a-token", NOW, ledger=ledger)
    assert _mailable(store, single_opt_in) == ["ann@example.org"]
    assert list(ledger.entries()) == []
    assert "ann" not in token and str(find_subject_id(store)) not in token


def find_subject_id(store: Store) -> object:
    with store.transaction() as session:
        subject = find_subject(session, "ann@example.org")
        assert subject is not None
        return subject.id.hex


def test_the_export_leaves_out_objecting_and_restricted_people(
    store: Store, single_opt_in: Policy
) -> None:
    for email in ("ann@example.org", "bea@example.org", "cy@example.org"):
        _send(store, single_opt_in, OPT_IN | {"email": email})
    with store.transaction() as session:
        bea, cy = find_subject(session, "bea@example.org"), find_subject(session, "cy@example.org")
        assert bea is not None and cy is not None
        bea.objected_at, cy.restricted_at = NOW, NOW
    assert _mailable(store, single_opt_in) == ["ann@example.org"]


def test_the_export_names_people_and_gives_their_unsubscribe_link(
    store: Store, single_opt_in: Policy, ledger: ErasureLedger
) -> None:
    _send(store, single_opt_in, OPT_IN)
    _send(store, single_opt_in, OPT_IN, NOW + timedelta(days=1))  # one row a person
    with store.transaction() as session:
        (row,) = export.mailable(session, single_opt_in, NOTICES.base_url)
    assert (row.email, row.name, row.language) == ("ann@example.org", "Ann", "en")
    assert row.consented_at == NOW + timedelta(days=1)
    token = row.unsubscribe_url.removeprefix(f"{NOTICES.base_url}/unsubscribe/")
    with store.transaction() as session:
        assert service.unsubscribe(session, token, NOW, ledger=ledger)
    assert _mailable(store, single_opt_in) == []


def test_without_a_marketing_section_nobody_is_mailed(store: Store, policy: Policy) -> None:
    with store.transaction() as session, pytest.raises(service.NoMarketing):
        list(export.mailable(session, policy, NOTICES.base_url))
