from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from conftest import NOW, make_settings
from privet.clients.models import Contract
from privet.clients.service import (
    ContractError,
    NewContract,
    NoContractData,
    contract_terms,
    contracts_of,
    end_contract,
    find_contract,
    keep_until,
    list_contracts,
    record_contract,
)
from privet.clock import FixedClock
from privet.policy.schema import Policy
from privet.store.open import Store, open_store
from privet.subjects.models import Subject
from privet.subjects.service import find_subject, get_or_create_subject

ANN = NewContract("ann@example.org", "NTO-2026-07", date(2026, 3, 1))


def test_it_records_a_contract_under_the_contracts_category_and_legal_obligation(
    store: Store, policy: Policy
) -> None:
    with store.transaction() as session:
        record_contract(session, policy, ANN, NOW)
    with store.transaction() as session:
        contract = session.scalars(select(Contract)).one()
        subject = session.get(Subject, contract.subject_id)
    assert subject is not None and subject.email == "ann@example.org"
    assert (contract.category, contract.purpose) == ("contracts", "accounting")
    assert contract.legal_basis == "legal_obligation"
    assert contract.policy_version == policy.policy.version
    assert (contract.reference, contract.starts_on, contract.ends_on) == (
        "NTO-2026-07", date(2026, 3, 1), None,
    )  # fmt: skip
    assert contract.recorded_at == NOW


def test_the_reference_is_stored_encrypted(store: Store, policy: Policy) -> None:
    with store.transaction() as session:
        record_contract(session, policy, ANN, NOW)
    with store.transaction() as session:
        raw = session.execute(text("SELECT reference FROM contracts")).scalar_one()
    assert b"NTO-2026-07" not in bytes(raw)


def test_the_reference_is_not_in_clear_in_the_sqlite_file(
    sqlite_url: str, tmp_path: Path, clock: FixedClock, policy: Policy
) -> None:
    store = open_store(make_settings(tmp_path, sqlite_url), clock)
    with store.transaction() as session:
        record_contract(session, policy, ANN, NOW)
    store.close()
    database = Path(sqlite_url.removeprefix("sqlite:///"))
    written = b"".join(path.read_bytes() for path in database.parent.glob(f"{database.name}*"))
    assert b"accounting" in written  # the row is there, its clear columns readable
    assert b"NTO-2026-07" not in written


def test_a_signed_contract_moves_the_last_contact(store: Store, policy: Policy) -> None:
    with store.transaction() as session:
        subject = get_or_create_subject(session, "ann@example.org", NOW - timedelta(days=400))
        subject.last_contact_at = NOW - timedelta(days=400)
    with store.transaction() as session:
        record_contract(session, policy, ANN, NOW)
    with store.transaction() as session:
        found = find_subject(session, "ann@example.org")
        assert found is not None and found.last_contact_at == NOW


def test_it_refuses_a_reference_the_client_already_has(store: Store, policy: Policy) -> None:
    with store.transaction() as session:
        record_contract(session, policy, ANN, NOW)
    twin = NewContract("ANN@example.org", " nto-2026-07 ", date(2027, 1, 1))
    duplicate = pytest.raises(ContractError, match="already has a contract with that reference")
    with duplicate, store.transaction() as session:
        record_contract(session, policy, twin, NOW)
    with store.transaction() as session:
        other = NewContract("bea@example.org", "NTO-2026-07", date(2026, 3, 1))
        record_contract(session, policy, other, NOW)
        assert len(session.scalars(select(Contract)).all()) == 2


def test_it_refuses_an_end_before_the_start(store: Store, policy: Policy) -> None:
    early = NewContract("ann@example.org", "NTO-1", date(2026, 3, 1), date(2026, 2, 28))
    with pytest.raises(ContractError, match="cannot end"), store.transaction() as session:
        record_contract(session, policy, early, NOW)
    with store.transaction() as session:
        contract = record_contract(session, policy, ANN, NOW)
        with pytest.raises(ContractError, match=r"\(2026-02-28\) before it starts"):
            end_contract(contract, date(2026, 2, 28))
        assert contract.ends_on is None


def test_it_refuses_input_that_is_not_an_email_or_a_reference(store: Store, policy: Policy) -> None:
    for bad, message in [
        (NewContract("ann-at-example.org", "NTO-1", date(2026, 3, 1)), "not a valid email"),
        (NewContract("ann@example.org", "  ", date(2026, 3, 1)), "needs a reference"),
        (NewContract("ann@example.org", "N" * 201, date(2026, 3, 1)), "at most 200"),
    ]:
        with pytest.raises(ContractError, match=message), store.transaction() as session:
            record_contract(session, policy, bad, NOW)
    with store.transaction() as session:
        assert session.scalars(select(Subject)).first() is None


def test_ending_a_contract_anchors_its_retention(store: Store, policy: Policy) -> None:
    with store.transaction() as session:
        record_contract(session, policy, ANN, NOW)
    with store.transaction() as session:
        end_contract(find_contract(session, "Ann@Example.org", "nto-2026-07"), date(2028, 2, 29))
    with store.transaction() as session:
        contract = session.scalars(select(Contract)).one()
    assert contract.ends_on == date(2028, 2, 29)
    # "10 years (legal obligation)", counted in calendar years: no 29 February in 2038.
    assert keep_until(policy, contract) == date(2038, 2, 28)


def test_it_finds_no_contract_it_was_not_told_about(store: Store, policy: Policy) -> None:
    with store.transaction() as session:
        record_contract(session, policy, ANN, NOW)
        for email, reference in [("ann@example.org", "NTO-9"), ("bea@example.org", "NTO-2026-07")]:
            with pytest.raises(ContractError, match="no contract with that reference"):
                find_contract(session, email, reference)


def test_it_lists_contracts_for_everyone_or_one_client(store: Store, policy: Policy) -> None:
    with store.transaction() as session:
        record_contract(session, policy, ANN, NOW)
        later = NewContract("bea@example.org", "NTO-2026-09", date(2026, 9, 1), date(2027, 8, 31))
        bea = record_contract(session, policy, later, NOW)
    with store.transaction() as session:
        everyone = [(item.email, item.contract.reference) for item in list_contracts(session)]
        only_bea = list_contracts(session, "BEA@example.org")
        assert [c.id for c in contracts_of(session, bea.subject_id)] == [bea.id]
    assert everyone == [("ann@example.org", "NTO-2026-07"), ("bea@example.org", "NTO-2026-09")]
    assert [item.contract.id for item in only_bea] == [bea.id]


def test_a_policy_without_contract_data_is_a_clear_error(
    store: Store, no_contracts: Policy
) -> None:
    with pytest.raises(NoContractData) as raised, store.transaction() as session:
        record_contract(session, no_contracts, ANN, NOW)
    assert "declares no contract data" in str(raised.value)
    assert "after: contract_end" in str(raised.value)
    with store.transaction() as session:
        assert session.scalars(select(Subject)).first() is None


def test_it_prefers_the_legal_obligation_purpose(ntropic: Policy) -> None:
    # Ntropic's transactions are covered by `services` (contract) and `accounting`.
    terms = contract_terms(ntropic)
    assert (terms.category, terms.purpose, terms.legal_basis) == (
        "transactions", "accounting", "legal_obligation",
    )  # fmt: skip
    assert str(terms.keep) == "7 years"


def test_without_a_legal_obligation_it_records_the_purpose_the_policy_gives(
    policy: Policy,
) -> None:
    accounting = policy.purposes["accounting"].model_copy(update={"legal_basis": "contract"})
    changed = policy.model_copy(update={"purposes": policy.purposes | {"accounting": accounting}})
    terms = contract_terms(changed)
    assert (terms.purpose, terms.legal_basis) == ("accounting", "contract")


def test_several_contract_categories_need_one_named(two_kinds: Policy) -> None:
    with pytest.raises(ContractError, match=r"several categories \(contracts, contact\)"):
        contract_terms(two_kinds)
    assert contract_terms(two_kinds, "contact").purpose == "quotes_and_orders"
    with pytest.raises(ContractError, match="'browsing' is not a category of contract data"):
        contract_terms(two_kinds, "browsing")


def test_a_contract_category_no_purpose_covers_is_a_clear_error(policy: Policy) -> None:
    accounting = policy.purposes["accounting"].model_copy(update={"categories": []})
    changed = policy.model_copy(update={"purposes": policy.purposes | {"accounting": accounting}})
    with pytest.raises(NoContractData, match="no purpose lists the data category 'contracts'"):
        contract_terms(changed)
