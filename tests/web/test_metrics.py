"""`/metrics`: figures that follow the stored data, in a text exposition Prometheus parses."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from conftest import NOW, make_settings
from privet import __version__
from privet.admin import service as staff_service
from privet.auditlog import service as auditlog
from privet.backup.schedule import scheduled_backup
from privet.clock import FixedClock
from privet.notify.models import OutboxMessage
from privet.notify.service import MAX_ATTEMPTS, queue_email
from privet.policy.schema import Policy
from privet.rights.service import staff_request
from privet.store.open import Store
from privet.web.metrics import Figure, exposition

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL_VALUE = r'"(?:[^"\\\n]|\\[\\"n])*"'
LABELS = rf"\{{(?:{NAME}={LABEL_VALUE})(?:,{NAME}={LABEL_VALUE})*\}}"
NUMBER = r"[-+]?(?:[0-9]+(?:\.[0-9]*)?(?:e[-+]?[0-9]+)?|Inf|NaN)"
HELP = re.compile(rf"# HELP ({NAME}) (.*)")
TYPE = re.compile(rf"# TYPE ({NAME}) (counter|gauge)")
SAMPLE = re.compile(rf"({NAME})({LABELS})? ({NUMBER})")
LABEL = re.compile(rf"({NAME})=({LABEL_VALUE})")

ZERO_AT_FIRST = (
    "privet_requests_open", "privet_requests_overdue", "privet_outbox_queued",
    "privet_outbox_failed", "privet_backup_last_success_timestamp_seconds",
    "privet_sweep_last_success_timestamp_seconds", "privet_sweep_last_failed",
)  # fmt: skip

Series = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Series:
    """Prometheus's text format, strictly: HELP then TYPE before a family's samples, counters
    named *_total, each series once, label values unescaped; anything else fails."""
    assert text.endswith("\n")
    series: Series = {}
    typed: dict[str, str] = {}
    helped: set[str] = set()
    for line in text[:-1].split("\n"):
        if match := HELP.fullmatch(line):
            helped.add(match[1])
        elif match := TYPE.fullmatch(line):
            assert match[1] in helped and match[1] not in typed, line
            typed[match[1]] = match[2]
        else:
            match = SAMPLE.fullmatch(line)
            assert match is not None, f"not a sample: {line!r}"
            name, kind = match[1], typed.get(match[1])
            assert kind is not None, f"{name} has no TYPE line before it"
            assert (kind == "counter") == name.endswith("_total"), name
            labels = frozenset((k, _unescape(v[1:-1])) for k, v in LABEL.findall(match[2] or ""))
            assert (name, labels) not in series, f"{name}{labels} twice"
            series[name, labels] = float(match[3])
    return series


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n"}.get(m[1], m[1]), value)


def value(series: Series, name: str, **labels: str) -> float:
    return series[name, frozenset(labels.items())]


@pytest.fixture
def token(web_store: Store, charlie: str) -> dict[str, str]:
    with web_store.transaction() as session:
        user = staff_service.find_user(session, charlie)
        assert user is not None
        secret = staff_service.create_api_token(session, user, "prometheus", NOW)
    return {"authorization": f"Bearer {secret}"}


def scrape(client: TestClient, token: dict[str, str]) -> Series:
    response = client.get("/metrics", headers=token)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    return parse(response.text)


def test_it_refuses_a_scraper_without_a_viewer_token(client: TestClient) -> None:
    response = client.get("/metrics", headers={"authorization": "Bearer not-a-token"})
    assert response.status_code == 401
    assert "privet_" not in response.text


def test_it_starts_at_zero_and_names_its_version(client: TestClient, token: dict[str, str]) -> None:
    series = scrape(client, token)
    for name in ZERO_AT_FIRST:
        assert value(series, name) == 0, name
    assert value(series, "privet_build_info", version=__version__) == 1


def test_requests_and_the_outbox_follow_the_stored_data(
    client: TestClient, token: dict[str, str], web_store: Store, policy: Policy, clock: FixedClock
) -> None:
    with web_store.transaction() as session:
        for email in ("ann@example.org", "bea@example.org"):
            staff_request(session, policy, "access", email, language="en", now=NOW)
        queue_email(session, "ann@example.org", "Your request", "Received.", NOW)
        gone = queue_email(session, "bea@example.org", "Your request", "Received.", NOW)
        session.execute(update(OutboxMessage).where(OutboxMessage.id == gone.id)
                        .values(attempts=MAX_ATTEMPTS))  # fmt: skip
    series = scrape(client, token)
    assert value(series, "privet_requests_open") == 2
    assert value(series, "privet_requests_overdue") == 0
    assert value(series, "privet_outbox_queued") == 1
    assert value(series, "privet_outbox_failed") == 1
    clock.advance(timedelta(days=31))  # past the policy's one-month deadline
    assert value(scrape(client, token), "privet_requests_overdue") == 2


def test_audit_log_entries_are_counted(
    client: TestClient, token: dict[str, str], web_store: Store
) -> None:
    before = value(scrape(client, token), "privet_audit_log_entries")
    with web_store.transaction() as session:
        auditlog.record(session, auditlog.AUTOMATIC, "sweep", NOW)
        auditlog.record(session, auditlog.AUTOMATIC, "sweep", NOW)
    assert value(scrape(client, token), "privet_audit_log_entries") == before + 2


def test_the_newest_backup_in_the_folder_is_its_time(
    client: TestClient, token: dict[str, str], web_store: Store, sqlite_url: str, tmp_path: Path
) -> None:
    made = scheduled_backup(web_store, make_settings(tmp_path, sqlite_url), NOW)
    assert made is not None and made.parent == tmp_path / "backups"
    series = scrape(client, token)
    assert value(series, "privet_backup_last_success_timestamp_seconds") == NOW.timestamp()


def test_requests_are_counted_by_route_template_never_by_path(
    client: TestClient, token: dict[str, str]
) -> None:
    receipt = "0f6b5b7e-2a51-4b8e-9d56-3c1f0b1d2e3f"
    for _ in range(3):
        assert client.get(f"/api/v1/consents/{receipt}").status_code == 404
    client.get("/healthz")
    text = client.get("/metrics", headers=token).text
    series = parse(text)
    route = "/api/v1/consents/{receipt_id}"
    assert value(series, "privet_http_requests_total", method="GET", route=route,
                 status="4xx") == 3  # fmt: skip
    assert value(series, "privet_http_requests_total", method="GET", route="/healthz",
                 status="2xx") == 1  # fmt: skip
    assert receipt not in text


def test_label_values_and_help_texts_are_escaped() -> None:
    awkward = 'a "quoted" back\\slash\nand a new line'
    text = exposition([Figure("odd_total", "help with \\ and\nline", "counter",
                              [({"value": awkward}, 2)])])  # fmt: skip
    assert "# HELP odd_total help with \\\\ and\\nline\n" in text
    assert value(parse(text), "odd_total", value=awkward) == 2
