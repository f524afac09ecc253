from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from privet.rights.connectors.fideslang import Dataset, DatasetError, load_dataset
from privet.rights.connectors.traversal import CHUNK_SIZE, find_rows

from .conftest import SHOP_DATASET, shop_dataset

Rows = dict[str, list[dict[str, Any]]]


def ordered(found: Rows) -> Rows:
    """Rows come in the order they were found; compare them in a fixed one."""
    return {
        name: sorted(rows, key=lambda row: repr(sorted(row.items())))
        for name, rows in found.items()
    }


def login(number: int) -> dict[str, Any]:
    return {"customer_id": 1, "id": number, "time": datetime(2021, 1, number, 1, 0)}


# What Fides's access request finds for customer-1@example.com on its own sample data,
# worked out by hand from postgres_sample.sql and the dataset. Fields are the declared ones
# only: orders.payment_card_id and order_item.item_no are columns the dataset leaves out.
CUSTOMER_1: Rows = {
    # identity: customer.email = customer-1@example.com
    "customer": [
        {
            "address_id": 1,
            "created": datetime(2020, 4, 1, 11, 47, 42),
            "email": "customer-1@example.com",
            "id": 1,
            "name": "John Customer",
        }
    ],
    # customer.id 1 -> login.customer_id (direction: from on login): logins 1 to 6
    "login": [login(number) for number in range(1, 7)],
    # customer.id 1 -> orders.customer_id (from): ord_aaa, ord_ccc, ord_ddd, not ord_bbb (2)
    "orders": [
        {"customer_id": 1, "id": "ord_aaa-aaa", "shipping_address_id": 2},
        {"customer_id": 1, "id": "ord_ccc-ccc", "shipping_address_id": 1},
        {"customer_id": 1, "id": "ord_ddd-ddd", "shipping_address_id": 1},
    ],
    # customer.id 1 -> payment_card.customer_id (from): pay_aaa only. ord_ddd paid with
    # pay_bbb, but orders.payment_card_id is not in the dataset, so no path leads there.
    "payment_card": [
        {
            "billing_address_id": 1,
            "ccn": 123456789,
            "code": 321,
            "customer_id": 1,
            "id": "pay_aaa-aaa",
            "name": "Example Card 1",
            "preferred": True,
        }
    ],
    # address.id IN customer.address_id (to) {1}, orders.shipping_address_id (to) {2, 1},
    # payment_card.billing_address_id (to) {1}. Address 2 is also customer-2's home, and
    # Fides returns it too: customer-1's order ord_aaa ships there.
    "address": [
        {
            "city": "Exampletown",
            "house": 123,
            "id": 1,
            "state": "NY",
            "street": "Example Street",
            "zip": "12345",
        },
        {
            "city": "Exampletown",
            "house": 4,
            "id": 2,
            "state": "NY",
            "street": "Example Lane",
            "zip": "12321",
        },
    ],
    # orders.id -> order_item.order_id (from): the 4 items of ord_aaa, ord_ccc (2), ord_ddd
    "order_item": [
        {"order_id": "ord_aaa-aaa", "product_id": 1, "quantity": 1},
        {"order_id": "ord_ccc-ccc", "product_id": 1, "quantity": 1},
        {"order_id": "ord_ccc-ccc", "product_id": 2, "quantity": 1},
        {"order_id": "ord_ddd-ddd", "product_id": 1, "quantity": 1},
    ],
    # order_item.product_id -> product.id (to): products 1 and 2 (MONEY reads as text)
    "product": [
        {"id": 1, "name": "The Choco Chip", "price": "$20.00"},
        {"id": 2, "name": "The Almond Butter", "price": "$20.00"},
    ],
    # identity: service_request.email or .alt_email; employee.id -> employee_id (from) adds
    # nothing, since no employee has this email
    "service_request": [
        {
            "alt_email": "customer-1-alt@example.com",
            "closed": date(2021, 1, 3),
            "email": "customer-1@example.com",
            "employee_id": 1,
            "id": "ser_aaa-aaa",
            "opened": date(2021, 1, 1),
        }
    ],
    # identity: visit.email; visit has no references
    "visit": [{"email": "customer-1@example.com", "last_visit": datetime(2021, 1, 6, 1, 0)}],
    # identity: employee.email and report.email match nobody
    "employee": [],
    "report": [],
}


@pytest.mark.postgres
def test_it_finds_what_fides_finds_for_customer_1(
    fides_dataset: Dataset, fides_shop: Engine
) -> None:
    found = find_rows(fides_dataset, fides_shop, {"email": "customer-1@example.com"})
    assert ordered(found) == ordered(CUSTOMER_1)


@pytest.mark.postgres
def test_it_finds_nothing_for_an_unknown_person(fides_dataset: Dataset, fides_shop: Engine) -> None:
    found = find_rows(fides_dataset, fides_shop, {"email": "nobody@example.org"})
    assert found == {collection.name: [] for collection in fides_dataset.collections}


@pytest.mark.postgres
def test_it_reads_the_schema_it_is_given(fides_dataset: Dataset, fides_shop: Engine) -> None:
    # backup_schema holds a customer-500 whose address is 7 there (and absent from public).
    found = find_rows(
        fides_dataset, fides_shop, {"email": "customer-500@example.com"}, schema="backup_schema"
    )
    assert [row["name"] for row in found["customer"]] == ["Johanna Customer"]
    assert [row["street"] for row in found["address"]] == ["Test Street"]


def test_it_walks_a_sqlite_file_the_same_way(tmp_path: Path, shop: Engine) -> None:
    found = find_rows(shop_dataset(tmp_path), shop, {"email": "alice@example.org"})
    assert [row["id"] for row in found["customers"]] == [1]
    assert sorted(row["id"] for row in found["orders"]) == ["o1", "o2"]
    assert set(found["customers"][0]) == {"id", "email", "name", "nickname", "birth_year", "phone"}


def test_it_follows_a_reference_without_direction_both_ways(tmp_path: Path, shop: Engine) -> None:
    # The work email is only on order o2: o2 leads to its customer, who leads to order o1.
    dataset = shop_dataset(tmp_path, direction="", identity="fides_meta: {identity: email}")
    found = find_rows(dataset, shop, {"email": "alice.work@example.org"})
    assert [row["email"] for row in found["customers"]] == ["alice@example.org"]
    assert sorted(row["id"] for row in found["orders"]) == ["o1", "o2"]


def test_it_follows_a_direction_one_way_only(tmp_path: Path, shop: Engine) -> None:
    # direction: from lets customers lead to orders, never an order to its customer.
    dataset = shop_dataset(tmp_path, identity="fides_meta: {identity: email}")
    found = find_rows(dataset, shop, {"email": "alice.work@example.org"})
    assert found == {"customers": [], "orders": [found["orders"][0]]}
    assert found["orders"][0]["id"] == "o2"


def test_it_splits_long_value_lists(tmp_path: Path, shop: Engine) -> None:
    # Each order is another customer's, so orders -> customers carries one value per order.
    many = CHUNK_SIZE * 2 + 1
    with shop.begin() as connection:
        connection.exec_driver_sql("DELETE FROM orders")
        for number in range(10, 10 + many):
            connection.exec_driver_sql(
                "INSERT INTO customers VALUES (?, ?, 'C', 'C', 2000, NULL)",
                (number, f"c{number}@example.org"),
            )
            connection.exec_driver_sql(
                "INSERT INTO orders VALUES (?, ?, 'alice.work@example.org', NULL)",
                (f"o{number}", number),
            )
    dataset = shop_dataset(tmp_path, direction="", identity="fides_meta: {identity: email}")
    found = find_rows(dataset, shop, {"email": "alice.work@example.org"})
    assert len(found["orders"]) == many
    assert len(found["customers"]) == many


def test_it_names_the_collection_that_has_no_table(tmp_path: Path, shop: Engine) -> None:
    with shop.begin() as connection:
        connection.exec_driver_sql("DROP TABLE orders")
    with pytest.raises(DatasetError) as raised:
        find_rows(shop_dataset(tmp_path), shop, {"email": "alice@example.org"})
    assert str(raised.value) == (
        f"{tmp_path / 'shop.yml'}:20: collection 'orders' has no table orders in the database"
    )


def test_it_names_the_field_that_has_no_column(tmp_path: Path, shop: Engine) -> None:
    with shop.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE customers DROP COLUMN phone")
    with pytest.raises(DatasetError) as raised:
        find_rows(shop_dataset(tmp_path), shop, {"email": "alice@example.org"})
    assert str(raised.value).endswith(":18: field 'customers.phone' has no column in the table")


def test_it_leaves_out_a_collection_marked_skip_processing(tmp_path: Path, shop: Engine) -> None:
    path = tmp_path / "shop.yml"
    path.write_text(
        SHOP_DATASET.format(direction="", identity="").replace(
            "      - name: orders\n",
            "      - name: orders\n        fides_meta: {skip_processing: true}\n",
        )
    )
    found = find_rows(load_dataset(path), shop, {"email": "alice@example.org"})
    assert list(found) == ["customers"]
