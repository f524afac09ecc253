"""The policy's other systems: a shop's SQLite file, Fides's sample on PostgreSQL, a processor's
webhook on loopback; read for an export and erased for an erasure, one failing alone."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

from conftest import NOW
from privet.policy.load import load_policy
from privet.rights.connectors.erasure import KeptField
from privet.rights.erase import kept_categories
from privet.rights.systems import SystemResult, collect_from_systems, erase_in_systems
from rights.connectors.conftest import FIDES_DATASET, fides_shop, fides_template
from rights.connectors.test_traversal import CUSTOMER_1, ordered
from rights.connectors.test_webhook import SECRET, Serve, serve

__all__ = ["fides_shop", "fides_template", "serve"]  # fixtures, imported to be used here

ANN, BOB = "ann@example.org", "bob@example.org"
SHOP = """
CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT, city TEXT);
CREATE TABLE invoices (
    id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT, number TEXT NOT NULL);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY, email TEXT NOT NULL, note TEXT, total INTEGER NOT NULL);
INSERT INTO customers VALUES (1, 'ann@example.org', 'Ann Shopper', 'Annecy'),
                             (2, 'bob@example.org', 'Bob Shopper', 'Bordeaux');
INSERT INTO invoices VALUES (1, 'ann@example.org', 'Ann Shopper', 'INV-1'),
                            (2, 'bob@example.org', 'Bob Shopper', 'INV-2');
INSERT INTO orders VALUES (1, 'ann@example.org', 'leave at the door', 120),
                          (2, 'ann@example.org', 'a gift', 35),
                          (3, 'bob@example.org', 'ring twice', 50);
"""
POLICY = """
privet: 1
policy: {version: "1", effective: 2026-01-01, languages: [en]}
controller: {name: Example, address: 1 Example Street, country: FR, email: privacy@example.org}
storage: {region: [FR]}
data_categories:
  contact: {description: How to reach you, fields: {email: email, name: text}}
  contracts: {description: Invoices, fields: {number: identifier}}
purposes:
  selling: {description: Selling to you, legal_basis: contract, categories: [contact]}
  accounting: {description: The books, legal_basis: legal_obligation, categories: [contracts]}
retention:
  contact: {category: contact, keep: 3 years}
  contracts: {category: contracts, keep: 10 years}
rights: {offered: [access, erasure], deadline: 30 days, contact: privacy@example.org}
security: {measures: [TLS]}
systems:
"""
SHOP_SYSTEM = """
  shop:
    database: SHOP_DATABASE_URL
    tables:
      customers: {email: email, on_erasure: delete,
                  columns: {email: contact, name: contact, city: contact}}
      invoices: {email: email, on_erasure: delete,
                 columns: {email: contact, name: contact, number: contracts}}
      orders: {email: email, on_erasure: mask,
               columns: {email: contact, note: contact, total: contracts}}
"""
BILLING_SYSTEM = """
  billing:
    webhook: {url}
    secret: BILLING_WEBHOOK_SECRET
"""
FIDES_SYSTEM = """
  fides_shop:
    database: FIDES_DATABASE_URL
    dataset: fides/postgres_example_test_dataset.yml
"""
Rows = dict[str, list[tuple[Any, ...]]]


@pytest.fixture
def shop(tmp_path: Path) -> str:
    """The URL of the shop's own SQLite file."""
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        for statement in filter(str.strip, SHOP.split(";")):
            connection.exec_driver_sql(statement)
    engine.dispose()
    return url


def shop_rows(url: str) -> Rows:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = {
            table: [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table}"))]
            for table in ("customers", "invoices", "orders")
        }
    engine.dispose()
    return rows


def write_policy(tmp_path: Path, *systems: str) -> Path:
    (tmp_path / "fides").mkdir(exist_ok=True)
    shutil.copyfile(FIDES_DATASET, tmp_path / "fides" / FIDES_DATASET.name)
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY + "".join(systems))
    return path


def collect(path: Path, environ: dict[str, str], email: str = ANN) -> dict[str, SystemResult]:
    results = collect_from_systems(
        load_policy(path), path, email, request_id="req-1", now=NOW, environ=environ
    )
    return {result.name: result for result in results}


def erase(path: Path, environ: dict[str, str], email: str = ANN) -> dict[str, SystemResult]:
    policy = load_policy(path)
    results = erase_in_systems(
        policy, path, email, kept_categories=kept_categories(policy), request_id="req-1",
        now=NOW, environ=environ,
    )  # fmt: skip
    return {result.name: result for result in results}


def test_access_collects_the_persons_rows_from_declared_tables_and_a_webhook(
    tmp_path: Path, shop: str, serve: Serve
) -> None:
    processor = serve(b'{"rows": {"subscriptions": [{"plan": "pro"}]}}')
    path = write_policy(tmp_path, SHOP_SYSTEM, BILLING_SYSTEM.format(url=processor.url))
    environ = {"SHOP_DATABASE_URL": shop, "BILLING_WEBHOOK_SECRET": SECRET.decode()}
    found = collect(path, environ)
    assert found["shop"] == SystemResult("shop", "database", rows={
        "customers": [{"id": 1, "email": ANN, "name": "Ann Shopper", "city": "Annecy"}],
        "invoices": [{"id": 1, "email": ANN, "name": "Ann Shopper", "number": "INV-1"}],
        "orders": [{"id": 1, "email": ANN, "note": "leave at the door", "total": 120},
                   {"id": 2, "email": ANN, "note": "a gift", "total": 35}],
    })  # fmt: skip
    assert found["billing"] == SystemResult("billing", "webhook", rows={
        "subscriptions": [{"plan": "pro"}]})  # fmt: skip
    assert "Bob" not in repr(found)
    [(_, _, body)] = processor.calls
    assert body.startswith(b'{"action":"export"')


@pytest.mark.postgres
def test_access_finds_in_a_fides_dataset_what_fides_finds(
    tmp_path: Path, fides_shop: Engine
) -> None:
    path = write_policy(tmp_path, FIDES_SYSTEM)
    environ = {"FIDES_DATABASE_URL": fides_shop.url.render_as_string(hide_password=False)}
    [result] = collect(path, environ, "customer-1@example.com").values()
    assert (result.kind, result.error) == ("database", None)
    assert ordered(result.rows) == ordered(CUSTOMER_1)


def test_erasure_deletes_or_masks_as_declared_and_keeps_what_the_law_requires(
    tmp_path: Path, shop: str, serve: Serve
) -> None:
    processor = serve(b'{"changed": {"subscriptions": 1}}')
    path = write_policy(tmp_path, SHOP_SYSTEM, BILLING_SYSTEM.format(url=processor.url))
    environ = {"SHOP_DATABASE_URL": shop, "BILLING_WEBHOOK_SECRET": SECRET.decode()}
    bob_before = {table: [r for r in rows if BOB in r] for table, rows in shop_rows(shop).items()}
    erased = erase(path, environ)
    assert erased["shop"].changed == {"customers": 1, "invoices": 1, "orders": 2}
    assert erased["shop"].kept == [
        KeptField("invoices", "number", "data category 'contracts' is held under a legal "
                  "obligation; the row stays, its other columns erased"),
        KeptField("orders", "total", "data category 'contracts' is held under a legal obligation"),
    ]  # fmt: skip
    assert shop_rows(shop) == {
        "customers": bob_before["customers"],
        "invoices": [(1, "MASKED", None, "INV-1"), *bob_before["invoices"]],
        "orders": [(1, "MASKED", None, 120), (2, "MASKED", None, 35), *bob_before["orders"]],
    }
    assert erased["billing"] == SystemResult("billing", "webhook", changed={"subscriptions": 1})
    [(_, _, body)] = processor.calls
    assert body.startswith(b'{"action":"erase"')


def test_a_second_erasure_changes_nothing(tmp_path: Path, shop: str) -> None:
    path = write_policy(tmp_path, SHOP_SYSTEM)
    erase(path, {"SHOP_DATABASE_URL": shop})
    after_first = shop_rows(shop)
    again = erase(path, {"SHOP_DATABASE_URL": shop})["shop"]
    assert (again.error, set(again.changed.values())) == (None, {0})
    assert shop_rows(shop) == after_first


@pytest.mark.postgres
def test_erasure_masks_a_fides_dataset_once(tmp_path: Path, fides_shop: Engine) -> None:
    path = write_policy(tmp_path, FIDES_SYSTEM)
    environ = {"FIDES_DATABASE_URL": fides_shop.url.render_as_string(hide_password=False)}
    first = erase(path, environ, "customer-1@example.com")["fides_shop"]
    assert first.error is None
    assert first.changed["customer"] == 1 and first.changed["login"] == 6
    again = erase(path, environ, "customer-1@example.com")["fides_shop"]
    assert set(again.changed.values()) == {0}


def test_a_webhook_with_the_wrong_secret_fails_alone(
    tmp_path: Path, shop: str, serve: Serve
) -> None:
    processor = serve(b'{"changed": {}}')
    path = write_policy(tmp_path, SHOP_SYSTEM, BILLING_SYSTEM.format(url=processor.url))
    erased = erase(path, {"SHOP_DATABASE_URL": shop, "BILLING_WEBHOOK_SECRET": "guessed"})
    assert erased["billing"].error == "the webhook refused the call (HTTP 401)"
    assert erased["shop"].error is None and erased["shop"].changed["customers"] == 1


def test_an_unset_variable_is_named_and_the_other_systems_go_on(
    tmp_path: Path, shop: str, serve: Serve
) -> None:
    path = write_policy(tmp_path, SHOP_SYSTEM, BILLING_SYSTEM.format(url=serve().url))
    found = collect(path, {"BILLING_WEBHOOK_SECRET": SECRET.decode()})
    assert found["shop"] == SystemResult(
        "shop", "database", error="environment variable SHOP_DATABASE_URL is not set"
    )
    assert found["billing"].error is None
    missing = collect(path, {"SHOP_DATABASE_URL": shop})["billing"]
    assert missing.error == "environment variable BILLING_WEBHOOK_SECRET is not set"


NEWSLETTER_SYSTEM = """
  newsletter:
    database: NEWSLETTER_DATABASE_URL
    tables:
      customers: {email: email, on_erasure: delete, columns: {email: contact}}
"""


def test_the_address_is_in_no_log_line_and_no_error(
    tmp_path: Path, shop: str, serve: Serve, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    processor = serve(b"not json: ann@example.org")
    path = write_policy(
        tmp_path, NEWSLETTER_SYSTEM, SHOP_SYSTEM, BILLING_SYSTEM.format(url=processor.url)
    )
    # Read-only, so the DELETE fails: the driver's message quotes its parameters.
    read_only = f"sqlite:///file:{tmp_path / 'shop.db'}?mode=ro&uri=true"
    environ = {"NEWSLETTER_DATABASE_URL": read_only, "BILLING_WEBHOOK_SECRET": "x"}
    erased = erase(path, environ)
    assert erased["newsletter"].error == "the database failed (OperationalError)"
    assert erased["shop"].error == "environment variable SHOP_DATABASE_URL is not set"
    assert erased["billing"].error == "the webhook refused the call (HTTP 401)"
    logged = repr([record.__dict__ for record in caplog.records])
    assert "system_failed" in logged and "OperationalError" in logged
    assert ANN not in logged and ANN not in repr(erased)
