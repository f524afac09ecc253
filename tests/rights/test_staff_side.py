"""The officers' side: the queue, extensions, reminders, and requests by post or phone."""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from conftest import EXAMPLE, NOW, PASSWORD, TEST_SECRET, make_settings
from privet.admin import service as staff_service
from privet.cli import app
from privet.clock import FixedClock
from privet.consent.service import Decision, record_decision
from privet.notify.models import OutboxMessage
from privet.notify.service import deliver_all_due
from privet.policy.schema import Policy
from privet.rights import service
from privet.rights.download import delete_expired
from privet.rights.gather import gather
from privet.rights.models import DataRequest, RequestExport
from privet.rights.reminders import remind_officers
from privet.store.open import Store, open_store
from privet.subjects.service import find_subject, get_or_create_subject
from rights.conftest import Relay


def open_request(
    store: Store, policy: Policy, kind: str, email: str, now: datetime = NOW
) -> DataRequest:
    with store.transaction() as session:
        return service.staff_request(session, policy, kind, email, language="en", now=now)


def sign_in(client: TestClient, email: str) -> str:
    """Sign in as `email`; the CSRF token of the session."""
    client.get("/admin/login")
    csrf = client.cookies.get("privet_login_csrf", "")
    client.post("/admin/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf})
    page = client.get("/admin/requests").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_the_queue_puts_the_nearest_deadline_first_and_marks_the_overdue(
    client: TestClient, web_store: Store, policy: Policy, clock: FixedClock, bob: str
) -> None:
    late = open_request(web_store, policy, "access", "late@example.org")
    clock.advance(timedelta(days=40))
    fresh = open_request(web_store, policy, "erasure", "fresh@example.org", clock.now())
    sign_in(client, bob)
    page = client.get("/admin/requests").text
    assert page.index(str(late.id)) < page.index(str(fresh.id))
    assert page.count('class="overdue"') == 1 and "1 overdue" in page
    assert "late@example.org" in page  # officers see who asked


def test_a_viewer_sees_the_queue_but_not_who_asked_and_cannot_act(
    client: TestClient, web_store: Store, policy: Policy, charlie: str
) -> None:
    request = open_request(web_store, policy, "erasure", "ann@example.org")
    csrf = sign_in(client, charlie)
    assert "ann@example.org" not in client.get("/admin/requests").text
    detail = client.get(f"/admin/requests/{request.id}").text
    assert "ann@example.org" not in detail and "Carry out" not in detail
    refused = client.post(f"/admin/requests/{request.id}/carry-out", data={"csrf_token": csrf})
    assert refused.status_code == 403


def test_an_extension_moves_the_deadline_and_tells_the_requester_why(
    client: TestClient, web_store: Store, policy: Policy, *, bob: str, relay: Relay,
    clock: FixedClock,
) -> None:  # fmt: skip
    extending = policy.model_copy(update={"rights": policy.rights.model_copy(
        update={"extension": policy.rights.deadline.parse("2 months")})})  # fmt: skip
    client.app.state.policy = extending  # type: ignore[attr-defined]
    request = open_request(web_store, extending, "access", "ann@example.org")
    csrf = sign_in(client, bob)
    done = client.post(
        f"/admin/requests/{request.id}/extend",
        data={"csrf_token": csrf, "reason": "the archive is in storage"}, follow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303
    deliver_all_due(web_store.sessions, relay.transport(), clock)
    mail = relay.received[-1]
    body = mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert mail["To"] == "ann@example.org" and "the archive is in storage" in body
    assert "2027-02-23" in body  # 30 days, then two calendar months
    again = client.post(f"/admin/requests/{request.id}/extend",
                        data={"csrf_token": csrf, "reason": "more"})  # fmt: skip
    assert again.status_code == 422 and "only once" in again.text


def test_officers_are_reminded_once_a_day_without_the_requesters_address(
    store: Store, policy: Policy, clock: FixedClock
) -> None:
    with store.transaction() as session:
        staff_service.create_user(session, "officer@example.org", "officer", PASSWORD, NOW)
        staff_service.create_user(session, "viewer@example.org", "viewer", PASSWORD, NOW)
    request = open_request(store, policy, "access", "ann@example.org")
    with store.transaction() as session:
        assert remind_officers(session, policy, "https://p.example", NOW) == 0  # 30 days left
    soon = NOW + timedelta(days=24)
    with store.transaction() as session:
        assert remind_officers(session, policy, "https://p.example", soon) == 1
        assert remind_officers(session, policy, "https://p.example", soon) == 0  # once a day
    with store.transaction() as session:
        sent = list(session.scalars(select(OutboxMessage)))
    assert [m.recipient for m in sent] == ["officer@example.org"]
    assert str(request.id) in sent[0].body and "ann@example.org" not in sent[0].body
    with store.transaction() as session:
        later = soon + timedelta(days=1)
        assert remind_officers(session, policy, "https://p.example", later) == 1


def test_the_export_holds_the_receipts_of_the_browser_that_proved_the_address(
    client: TestClient, web_store: Store, policy: Policy, relay: Relay, clock: FixedClock
) -> None:
    visitor = "0b5a7c1e-3f55-4c4b-9a57-2d1e4c8f9a10"
    with web_store.transaction() as session:
        get_or_create_subject(session, "ann@example.org", NOW)
        decision = Decision(visitor_id=uuid.UUID(visitor), policy_version=policy.policy.version,
                            method="banner", granted=["analytics"], denied=[], gpc=False,
                            language="en")  # fmt: skip
        record_decision(session, policy, decision, NOW, privacy_url="https://x.example/privacy")
    assert policy.consent is not None
    client.cookies.set(policy.consent.cookie, json.dumps({"v": visitor}))
    sent = client.post("/api/v1/requests", json={"kind": "rectification",
                                                  "email": "ann@example.org"}).json()  # fmt: skip
    deliver_all_due(web_store.sessions, relay.transport(), clock)
    body = relay.received[-1].get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    code = re.search(r"code ?: (\d{6})", body)  # in the policy's first language
    assert code is not None, body
    client.post(f"/api/v1/requests/{sent['id']}/verify",
                json={"token": sent["token"], "code": code.group(1)})  # fmt: skip
    with web_store.transaction() as session:
        ann = find_subject(session, "ann@example.org")
        assert ann is not None
        receipts = gather(session, ann)["consent_receipts"]
    assert len(receipts) == 1 and visitor in json.dumps(receipts)


def test_expired_archives_are_deleted(store: Store, policy: Policy) -> None:
    request = open_request(store, policy, "access", "ann@example.org")
    with store.transaction() as session:
        session.add(RequestExport(request_id=request.id, created_at=NOW,
                                  expires_at=NOW + timedelta(days=7), archive="UEs="))  # fmt: skip
    with store.transaction() as session:
        assert delete_expired(session, NOW + timedelta(days=6)) == 0
        assert delete_expired(session, NOW + timedelta(days=7)) == 1


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, policy: Policy) -> str:
    url = f"sqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("PRIVET_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("PRIVET_DATABASE_URL", url)
    monkeypatch.setenv("PRIVET_POLICY", str(EXAMPLE))
    monkeypatch.setenv("PRIVET_OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.setenv("PRIVET_ERASURE_LEDGER", str(tmp_path / "privet.erasures"))
    store = open_store(make_settings(tmp_path, url), FixedClock(NOW))
    with store.transaction() as session:
        get_or_create_subject(session, "ann@example.org", NOW).phone = "+33 6 12 34 56 78"
    store.close()
    return url


def test_requests_by_post_are_answered_from_the_command_line(
    cli_database: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    target = tmp_path / "ann.zip"
    exported = runner.invoke(app, ["export", "ann@example.org", "--out", str(target)])
    assert exported.exit_code == 0, exported.output
    data = json.loads(zipfile.ZipFile(io.BytesIO(target.read_bytes())).read("data.json"))
    assert data["records"]["subject"][0]["phone"] == "+33 6 12 34 56 78"
    assert (target.stat().st_mode & 0o777) == 0o600
    erased = runner.invoke(app, ["erase", "ann@example.org", "--yes", "--language", "en"])
    assert erased.exit_code == 0 and "Your data was erased." in erased.output
    again = runner.invoke(app, ["erase", "ann@example.org", "--yes", "--language", "en"])
    assert again.exit_code == 0 and "We hold no data" in again.output
    refused = runner.invoke(app, ["erase", "not-an-address", "--yes"])
    assert refused.exit_code == 2 and "email" in refused.output
