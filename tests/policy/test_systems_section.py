"""The `systems` section: other databases and processors, checked with FILE:LINE problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from privet.policy.load import PolicyError, load_policy
from privet.policy.problems import Problem

HERE = Path(__file__).parent
FIDES_DATASET = (
    HERE.parent / "rights" / "connectors" / "fides" / "postgres_example_test_dataset.yml"
)
PROCESSORS = """
processors:
  billing_provider:
    name: Billing Example
    service: Invoices
    location: FR
"""
SYSTEMS = """
systems:
  shop:
    database: SHOP_DATABASE_URL
    schema: sales
    tables:
      customers:
        email: email
        on_erasure: delete
        columns: {email: contact, name: contact}
  fides_shop:
    database: FIDES_DATABASE_URL
    dataset: fides/shop.yml
    erase_categories: [user.contact, user.name]
  billing:
    webhook: https://billing.example.org/privet
    secret: BILLING_WEBHOOK_SECRET
    processor: billing_provider
"""


def write_policy(tmp_path: Path, systems: str) -> Path:
    (tmp_path / "fides").mkdir(exist_ok=True)
    shutil.copyfile(FIDES_DATASET, tmp_path / "fides" / "shop.yml")
    path = tmp_path / "policy.yaml"
    path.write_text((HERE / "minimal.yaml").read_text() + PROCESSORS + systems)
    return path


def problems(tmp_path: Path, systems: str) -> list[Problem]:
    with pytest.raises(PolicyError) as raised:
        load_policy(write_policy(tmp_path, systems))
    return list(raised.value.problems)


def line_of(path: Path, text: str) -> int:
    lines = path.read_text().splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def test_it_loads_every_kind_of_system_without_reading_the_environment(tmp_path: Path) -> None:
    path = write_policy(tmp_path, SYSTEMS)
    systems = load_policy(path).systems
    assert systems["shop"].database_schema == "sales"
    assert systems["shop"].tables is not None
    assert systems["shop"].tables["customers"].columns == {"email": "contact", "name": "contact"}
    assert systems["fides_shop"].dataset_file(path) == tmp_path / "fides" / "shop.yml"
    assert systems["fides_shop"].erase_categories == ["user.contact", "user.name"]
    assert systems["billing"].processor == "billing_provider"


def test_it_lets_a_webhook_use_plain_http_on_loopback_only(tmp_path: Path) -> None:
    for host in ("127.0.0.1:8080", "localhost", "[::1]:9000"):
        systems = f"systems:\n  local:\n    webhook: http://{host}/hook\n    secret: S\n"
        assert load_policy(write_policy(tmp_path, systems)).systems["local"].webhook
    [problem] = problems(tmp_path, SYSTEMS.replace("https://billing", "http://billing"))
    assert problem.code == "P012"
    assert problem.message.startswith("webhook: a webhook URL must be https")


@pytest.mark.parametrize(
    ("change", "at", "code", "message"),
    [
        (("name: contact}", "name: leads}"), "name: leads",
         "P005", "name: 'leads' is not a declared data category (declared: contact)"),
        (("processor: billing_provider", "processor: mailer"), "processor: mailer",
         "P005", "processor: 'mailer' is not a declared processor"),
        (("    secret: BILLING", "    database: X\n    secret: BILLING"), "billing:",
         "P010", "billing: a system with `webhook` takes no `database`"),
        (("    dataset: fides/shop.yml\n", ""), "fides_shop:",
         "P010", "fides_shop: a system has exactly one of"),
        (("    schema: sales\n", "    schema: sales\n    dataset: d.yml\n"), "shop:",
         "P010", "shop: a system has exactly one of"),
        (("    secret: BILLING_WEBHOOK_SECRET\n", ""), "billing:",
         "P010", "billing: a system with `webhook` needs `secret`"),
        (("    schema: sales\n", "    schema: sales\n    erase_categories: [user]\n"), "shop:",
         "P010", "shop: a system with `tables` takes no `erase_categories`"),
        (("email: email\n", "email: mail\n"), "customers:",
         "P010", "customers: the email column 'mail' must be in columns too"),
        (("database: SHOP_DATABASE_URL", "database: postgresql://shop:hunter2@db/shop"),
         "postgresql://", "P011", "database: write the name of the environment variable"),
        (("secret: BILLING_WEBHOOK_SECRET", "secret: whsec 0123"), "whsec",
         "P011", "secret: write the name of the environment variable"),
        (("webhook: https://billing", "webhook: https://user:pw@billing"), "webhook:",
         "P012", "webhook: a user name or password in the URL"),
    ],
)  # fmt: skip
def test_it_reports_a_system_declared_wrong_on_its_line(
    tmp_path: Path, change: tuple[str, str], at: str, code: str, message: str
) -> None:
    [problem] = problems(tmp_path, SYSTEMS.replace(*change))
    assert (problem.line, problem.code) == (line_of(tmp_path / "policy.yaml", at), code)
    assert problem.message.startswith(message)
    assert "hunter2" not in problem.message and "0123" not in problem.message


def test_it_reports_a_missing_dataset_file(tmp_path: Path) -> None:
    [problem] = problems(tmp_path, SYSTEMS.replace("fides/shop.yml", "fides/gone.yml"))
    assert (problem.line, problem.code) == (line_of(tmp_path / "policy.yaml", "gone.yml"), "P111")
    assert problem.message == f"dataset file {tmp_path / 'fides' / 'gone.yml'} does not exist"


def test_it_reports_the_dataset_files_own_problem_with_its_line(tmp_path: Path) -> None:
    path = write_policy(tmp_path, SYSTEMS)
    dataset = tmp_path / "fides" / "shop.yml"
    dataset.write_text(dataset.read_text().replace("field: address.id", "field: adress.id", 1))
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    [reported] = str(raised.value).splitlines()
    assert reported.startswith(f"{path}:{line_of(path, 'dataset:')}: P111 dataset {dataset}:29: ")
    assert reported.endswith("but the dataset has no collection 'adress'")


def test_it_reports_a_dataset_where_no_one_can_be_found_by_email(tmp_path: Path) -> None:
    path = write_policy(tmp_path, SYSTEMS)
    dataset = tmp_path / "fides" / "shop.yml"
    dataset.write_text(dataset.read_text().replace("identity: email", "identity: phone_number"))
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    [problem] = raised.value.problems
    assert problem.code == "P111"
    assert problem.message.endswith("no field has `identity: email`, so no one can be found in it")
