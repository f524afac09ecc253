"""Databases for the connector tests: Fides's sample shop on PostgreSQL, a small shop on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from conftest import database_copy
from privet.rights.connectors.fideslang import Dataset, load_dataset

FIDES = Path(__file__).parent / "fides"
FIDES_DATASET = FIDES / "postgres_example_test_dataset.yml"
FIDES_SQL = FIDES / "postgres_sample.sql"

SHOP_SQL = """
CREATE TABLE customers (
    id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
    nickname VARCHAR(3) NOT NULL, birth_year INTEGER NOT NULL, phone TEXT
);
CREATE TABLE orders (
    id TEXT PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id),
    contact_email TEXT, note TEXT
);
INSERT INTO customers VALUES
    (1, 'alice@example.org', 'Alice Liddell', 'Ali', 1990, '+7 900 000-00-01'),
    (2, 'bob@example.org', 'Bob Marley', 'Bob', 1985, NULL);
INSERT INTO orders VALUES
    ('o1', 1, NULL, 'leave at the door'),
    ('o2', 1, 'alice.work@example.org', 'a gift'),
    ('o3', 2, NULL, 'ring twice');
"""

# The shop's dataset; `{identity}` and `{direction}` let a test vary how orders are reached.
SHOP_DATASET = """\
dataset:
  - fides_key: shop
    collections:
      - name: customers
        fields:
          - name: id
            data_categories: [user.unique_id]
            fides_meta: {{primary_key: true}}
          - name: email
            data_categories: [user.contact.email]
            fides_meta: {{identity: email}}
          - name: name
            data_categories: [user.name]
          - name: nickname
            data_categories: [user.name]
          - name: birth_year
            data_categories: [user.demographic.age_range]
          - name: phone
            data_categories: [user.contact.phone_number]
      - name: orders
        fields:
          - name: id
            data_categories: [system.operations]
            fides_meta: {{primary_key: true}}
          - name: customer_id
            data_categories: [user.unique_id]
            fides_meta:
              references:
                - {{dataset: shop, field: customers.id{direction}}}
          - name: contact_email
            data_categories: [user.contact.email]
            {identity}
          - name: note
            data_categories: [user]
"""


def shop_dataset(
    tmp_path: Path, direction: str = ", direction: from", identity: str = ""
) -> Dataset:
    path = tmp_path / "shop.yml"
    path.write_text(SHOP_DATASET.format(direction=direction, identity=identity))
    return load_dataset(path)


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Engine]:
    """A SQLite file of its own, apart from any privet database."""
    engine = create_engine(f"sqlite:///{tmp_path / 'shop.db'}")
    with engine.begin() as connection:
        for statement in filter(str.strip, SHOP_SQL.split(";")):
            connection.exec_driver_sql(statement)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def fides_dataset() -> Dataset:
    return load_dataset(FIDES_DATASET)


@pytest.fixture(scope="session")
def fides_template(postgres_admin_url: str) -> Iterator[str]:
    """Fides's sample shop, loaded once; each test gets a copy."""
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS fides_sample"))
        connection.execute(text("CREATE DATABASE fides_sample"))
    engine = create_engine(postgres_admin_url.rsplit("/", 1)[0] + "/fides_sample")
    with engine.begin() as connection:
        # psycopg runs a script of several statements when it has no parameters.
        connection.exec_driver_sql(FIDES_SQL.read_text())
    engine.dispose()
    yield "fides_sample"
    admin.dispose()


@pytest.fixture
def fides_shop(postgres_admin_url: str, fides_template: str) -> Iterator[Engine]:
    with database_copy(postgres_admin_url, fides_template, "fides") as url:
        engine = create_engine(url)
        yield engine
        engine.dispose()
