from __future__ import annotations

from pathlib import Path

import pytest

from privet.rights.connectors.fideslang import (
    Dataset,
    DatasetError,
    Field,
    Reference,
    load_dataset,
)

VALID = """\
dataset:
  - fides_key: shop
    collections:
      - name: customers
        fields:
          - name: id
            fides_meta: {primary_key: true}
          - name: email
            data_categories: [user.contact.email]
            fides_meta: {identity: email}
      - name: orders
        fields:
          - name: customer_id
            data_categories: [user.unique_id]
            fides_meta:
              references:
                - dataset: shop
                  field: customers.id
                  direction: from
"""


def problem(tmp_path: Path, text: str) -> str:
    path = tmp_path / "dataset.yml"
    path.write_text(text)
    with pytest.raises(DatasetError) as raised:
        load_dataset(path)
    return str(raised.value).removeprefix(f"{path}:")


def test_it_reads_fides_own_example(fides_dataset: Dataset) -> None:
    assert fides_dataset.fides_key == "postgres_example_test_dataset"
    assert len(fides_dataset.collections) == 11
    customer = fides_dataset.collection("customer")
    assert customer.primary_key == ("id",)
    assert [f.name for f in customer.fields if f.identity == "email"] == ["email"]
    assert fides_dataset.collection("orders").fields[0] == Field(
        "customer_id", ("user.unique_id",), references=(Reference("customer", "id", "from"),)
    )
    requests = fides_dataset.collection("service_request")
    assert [f.name for f in requests.fields if f.identity] == ["alt_email", "email"]


def test_it_keeps_the_line_of_each_part(tmp_path: Path) -> None:
    (tmp_path / "shop.yml").write_text(VALID)
    dataset = load_dataset(tmp_path / "shop.yml")
    orders = dataset.collection("orders")
    assert (orders.line, orders.fields[0].line, orders.fields[0].references[0].line) == (11, 13, 17)


def test_it_reports_a_yaml_error_with_its_line(tmp_path: Path) -> None:
    broken = VALID.replace("name: customer_id", "name: customer_id: id")
    assert problem(tmp_path, broken) == "13: mapping values are not allowed here"
    twice = VALID.replace("  - fides_key: shop\n", "  - fides_key: shop\n    fides_key: again\n")
    assert problem(tmp_path, twice).startswith(
        "3: while constructing a mapping found duplicate key"
    )


def test_it_refuses_a_file_that_is_not_a_dataset(tmp_path: Path) -> None:
    message = "1: not a fideslang dataset file: no top-level 'dataset:' list"
    assert problem(tmp_path, "policy:\n  name: shop\n") == message
    assert problem(tmp_path, "- just\n- a list\n") == message


def test_it_refuses_a_file_it_cannot_read(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"missing\.yml: cannot read the file"):
        load_dataset(tmp_path / "missing.yml")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("customers.id", "adress.id"),
         "17: field 'orders.customer_id' references 'adress.id', "
         "but the dataset has no collection 'adress'"),
        (("customers.id", "customers.uid"),
         "17: field 'orders.customer_id' references 'customers.uid', "
         "but collection 'customers' declares no field 'uid'"),
        (("customers.id", "orders.customer_id"),
         "17: field 'orders.customer_id' references 'orders.customer_id', "
         "its own collection (Fides refuses self-references too)"),
        (("customers.id", "customers"),
         "17: field 'orders.customer_id' references 'customers'; write it as collection.field"),
        (("direction: from", "direction: sideways"),
         "17: field 'orders.customer_id': direction must be 'to' or 'from', not 'sideways'"),
        (("dataset: shop\n", "dataset: billing\n"),
         "17: field 'orders.customer_id' references dataset 'billing'; this file defines 'shop'"),
    ],
)  # fmt: skip
def test_it_names_the_line_of_a_bad_reference(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    assert problem(tmp_path, VALID.replace(*change)) == expected


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("- name: email", "- name: id"), "8: field 'customers.id' is declared twice"),
        (("- name: email", "- nom: email"), "8: 'name' must be a non-empty name"),
        (("{primary_key: true}", "{primary_key: yes please}"),
         "7: 'primary_key' must be true or false"),
        (("[user.contact.email]", "user.contact.email"),
         "9: field 'customers.email': 'data_categories' must be a list"),
        (("{identity: email}", "{identity: [email]}"),
         "10: field 'customers.email': 'identity' must be a name"),
    ],
)  # fmt: skip
def test_it_names_the_line_of_a_bad_field(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    assert problem(tmp_path, VALID.replace(*change)) == expected


def test_it_reads_one_dataset_per_file(tmp_path: Path) -> None:
    two = VALID + VALID.removeprefix("dataset:\n").replace("fides_key: shop", "fides_key: more")
    assert problem(tmp_path, two) == "1: 'dataset' holds 2 datasets; privet reads one per file"


def test_it_reads_the_schema_the_dataset_names(tmp_path: Path) -> None:
    named = VALID.replace(
        "  - fides_key: shop\n",
        "  - fides_key: shop\n    fides_meta: {namespace: {schema: sales}}\n",
    )
    (tmp_path / "shop.yml").write_text(named)
    assert load_dataset(tmp_path / "shop.yml").schema == "sales"
