from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, text

from privet.rights.connectors.erasure import Erasure, KeptField, erase
from privet.rights.connectors.fideslang import Dataset, load_dataset
from privet.rights.connectors.traversal import find_rows

from .conftest import SHOP_DATASET, shop_dataset

Tables = dict[str, dict[tuple[Any, ...], dict[str, Any]]]
ADDRESS = ("city", "house", "state", "street", "zip")
# The rows find_rows gives for customer-1 (see test_traversal) and their user.* fields that
# erasure sets to NULL: every one is nullable, so NULL is the mask throughout.
MASKED_FOR_CUSTOMER_1 = {
    "address": {(1,): ADDRESS, (2,): ADDRESS},
    "customer": {(1,): ("email", "name")},
    "login": {(number,): ("time",) for number in range(1, 7)},
    "payment_card": {("pay_aaa-aaa",): ("ccn", "code", "name", "preferred")},
    "service_request": {("ser_aaa-aaa",): ("alt_email",)},
}


def dump(engine: Engine) -> Tables:
    """Every row of every table in the public schema, by primary key, read with plain SQL."""
    inspector, tables = inspect(engine), {}
    with engine.connect() as connection:
        for name in inspector.get_table_names():
            key = inspector.get_pk_constraint(name)["constrained_columns"]
            rows = connection.execute(text(f'SELECT * FROM public."{name}"')).mappings()
            tables[name] = {tuple(row[c] for c in key): dict(row) for row in rows}
    return tables


def masked(before: Tables, masks: dict[str, dict[tuple[Any, ...], tuple[str, ...]]]) -> Tables:
    after = copy.deepcopy(before)
    for table, rows in masks.items():
        for key, fields in rows.items():
            after[table][key].update(dict.fromkeys(fields))
    return after


def erase_customer_1(dataset: Dataset, engine: Engine) -> Erasure:
    found = find_rows(dataset, engine, {"email": "customer-1@example.com"})
    return erase(dataset, engine, found, ["user"])


@pytest.mark.postgres
def test_it_masks_the_user_fields_of_exactly_the_rows_found(
    fides_dataset: Dataset, fides_shop: Engine
) -> None:
    before = dump(fides_shop)
    erasure = erase_customer_1(fides_dataset, fides_shop)
    assert dump(fides_shop) == masked(before, MASKED_FOR_CUSTOMER_1)
    assert erasure.changed == {
        "address": 2, "customer": 1, "login": 6, "order_item": 0, "orders": 0,
        "payment_card": 1, "product": 0, "service_request": 1, "visit": 0,
    }  # fmt: skip


@pytest.mark.postgres
def test_it_keeps_keys_and_references_and_says_why(
    fides_dataset: Dataset, fides_shop: Engine
) -> None:
    reference = "a reference between collections runs through it"
    erasure = erase_customer_1(fides_dataset, fides_shop)
    assert set(erasure.kept) == {
        KeptField("customer", "id", "primary key"),
        KeptField("login", "customer_id", reference),
        KeptField("orders", "customer_id", reference),
        KeptField("payment_card", "customer_id", reference),
        KeptField("service_request", "employee_id", reference),
        # visit declares no primary key; its table's key (email, last_visit) finds the row,
        # and a key column is never masked.
        KeptField("visit", "email", "primary key"),
    }


@pytest.mark.postgres
def test_a_second_erasure_changes_nothing(fides_dataset: Dataset, fides_shop: Engine) -> None:
    found = find_rows(fides_dataset, fides_shop, {"email": "customer-1@example.com"})
    erase(fides_dataset, fides_shop, found, ["user"])
    after_first = dump(fides_shop)
    again = erase(fides_dataset, fides_shop, found, ["user"])
    assert set(again.changed.values()) == {0}
    assert dump(fides_shop) == after_first


def shop_rows(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        customers = connection.exec_driver_sql("SELECT * FROM customers ORDER BY id").all()
        orders = connection.exec_driver_sql("SELECT * FROM orders ORDER BY id").all()
    return [tuple(row) for row in [*customers, *orders]]


def test_it_writes_masked_into_not_null_text_and_keeps_other_not_null_columns(
    tmp_path: Path, shop: Engine
) -> None:
    dataset = shop_dataset(tmp_path)
    found = find_rows(dataset, shop, {"email": "alice@example.org"})
    erasure = erase(dataset, shop, found, ["user"])
    assert shop_rows(shop) == [
        (1, "alice@example.org", "MASKED", "MAS", 1990, None),
        (2, "bob@example.org", "Bob Marley", "Bob", 1985, None),
        ("o1", 1, None, None),
        ("o2", 1, None, None),
        ("o3", 2, None, "ring twice"),
    ]
    assert erasure.changed == {"customers": 1, "orders": 2}
    assert {(kept.field, kept.reason) for kept in erasure.kept} == {
        ("id", "primary key"),
        ("email", "NOT NULL and UNIQUE: one fixed mask would collide with the next"),
        ("birth_year", "NOT NULL and not text: no neutral value to write"),
        ("customer_id", "a reference between collections runs through it"),
    }
    assert set(erase(dataset, shop, found, ["user"]).changed.values()) == {0}


def test_it_masks_only_the_categories_under_the_prefix(tmp_path: Path, shop: Engine) -> None:
    dataset = shop_dataset(tmp_path)
    found = find_rows(dataset, shop, {"email": "alice@example.org"})
    erase(dataset, shop, found, ["user.contact"])
    assert shop_rows(shop)[0] == (1, "alice@example.org", "Alice Liddell", "Ali", 1990, None)
    assert shop_rows(shop)[3] == ("o2", 1, None, "a gift")


NO_KEY = """\
dataset:
  - fides_key: notes
    collections:
      - name: notes
        fields:
          - name: author
            data_categories: [user.contact.email]
            fides_meta: {identity: email}
          - name: body
            data_categories: [user]
"""


def test_it_leaves_rows_it_cannot_tell_apart(tmp_path: Path, shop: Engine) -> None:
    with shop.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE notes (author TEXT, body TEXT)")
        connection.exec_driver_sql("INSERT INTO notes VALUES ('alice@example.org', 'hello')")
    (tmp_path / "notes.yml").write_text(NO_KEY)
    dataset = load_dataset(tmp_path / "notes.yml")
    found = find_rows(dataset, shop, {"email": "alice@example.org"})
    erasure = erase(dataset, shop, found, ["user"])
    assert erasure.changed == {"notes": 0}
    assert {kept.reason for kept in erasure.kept} == {"no primary key to find the row by"}


def test_it_keeps_a_field_marked_read_only(tmp_path: Path, shop: Engine) -> None:
    path = tmp_path / "shop.yml"
    phone = "data_categories: [user.contact.phone_number]"
    read_only = f"{phone}\n            fides_meta: {{read_only: true}}"
    path.write_text(SHOP_DATASET.format(direction="", identity="").replace(phone, read_only))
    dataset = load_dataset(path)
    erasure = erase(
        dataset, shop, find_rows(dataset, shop, {"email": "alice@example.org"}), ["user"]
    )
    assert KeptField("customers", "phone", "marked read_only in the dataset") in erasure.kept
    assert shop_rows(shop)[0][-1] == "+7 900 000-00-01"
