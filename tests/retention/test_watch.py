"""A sweep that fails or stops is not silent: officers are mailed once, and it shows."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, text

from conftest import NOW
from privet.admin import service as staff_service
from privet.clock import FixedClock
from privet.notify.models import OutboxMessage
from privet.policy.schema import Policy
from privet.retention.models import SweepRun
from privet.retention.watch import alert_officers, retention_chores, sweep_is_due
from privet.store.open import Store

ALERT = "privet: retention sweeps are failing"


def alerts(store: Store) -> int:
    with store.transaction() as session:
        query = select(OutboxMessage).where(OutboxMessage.subject_line == ALERT)
        return len(list(session.scalars(query)))


def runs(store: Store) -> list[tuple[str, str | None]]:
    with store.transaction() as session:
        query = select(SweepRun).order_by(SweepRun.started_at)
        return [(run.status, run.error) for run in session.scalars(query)]


def test_serve_sweeps_once_a_day(store: Store, policy: Policy, clock: FixedClock) -> None:
    assert sweep_is_due(store, clock.now())
    retention_chores(store, policy, "http://privet.test", clock)
    clock.advance(timedelta(hours=1))
    retention_chores(store, policy, "http://privet.test", clock)  # the next hour: not again
    assert runs(store) == [("done", None)]
    clock.advance(timedelta(days=1))
    assert sweep_is_due(store, clock.now())


def test_a_failing_sweep_mails_the_officers_once_a_day(
    store: Store, policy: Policy, clock: FixedClock
) -> None:
    with store.transaction() as session:
        session.execute(text("DROP TABLE pageviews"))  # what a broken database looks like
    retention_chores(store, policy, "http://privet.test", clock)
    clock.advance(timedelta(hours=1))
    retention_chores(store, policy, "http://privet.test", clock)  # fails again: no new mail
    assert [status for status, _ in runs(store)] == ["failed", "failed"]
    assert runs(store)[0][1] in ("OperationalError", "ProgrammingError")
    assert alerts(store) == 1
    with store.transaction() as session:
        (mail,) = session.scalars(select(OutboxMessage).where(OutboxMessage.subject_line == ALERT))
        assert mail.recipient == policy.rights.contact  # no officer set up yet
        assert "the last retention sweep failed" in mail.body
    clock.advance(timedelta(days=1))
    retention_chores(store, policy, "http://privet.test", clock)
    assert alerts(store) == 2  # still broken a day later: told again


def test_sweeps_stopped_for_two_days_mail_the_officers(
    store: Store, policy: Policy, clock: FixedClock
) -> None:
    retention_chores(store, policy, "http://privet.test", clock)
    clock.advance(timedelta(hours=49))
    with store.transaction() as session:  # a sweep that started and never came back
        session.add(SweepRun(started_at=clock.now(), owner="gone:1", as_of=clock.now(),
                             status="running"))  # fmt: skip
    with store.transaction() as session:
        assert alert_officers(session, policy, "http://privet.test", clock.now())
    assert alerts(store) == 1


def test_metrics_show_the_last_sweep_to_a_monitor(
    client: TestClient, web_store: Store, policy: Policy, clock: FixedClock, charlie: str
) -> None:
    retention_chores(web_store, policy, "http://privet.test", clock)
    with web_store.transaction() as session:
        user = staff_service.find_user(session, charlie)
        assert user is not None
        token = staff_service.create_api_token(session, user, "prometheus", NOW)
    refused = client.get("/metrics")
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    response = client.get("/metrics", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert f"privet_sweep_last_success_timestamp_seconds {NOW.timestamp()}" in response.text
    assert "privet_sweep_last_failed 0" in response.text
