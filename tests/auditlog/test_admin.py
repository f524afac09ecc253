"""`/admin/audit-log`: officers read the newest entries and verify the chain."""

from __future__ import annotations

from fastapi.testclient import TestClient

from admin.test_pages import sign_in
from auditlog.conftest import fill, tamper
from privet.store.open import Store


def test_an_officer_sees_the_newest_entries_and_can_verify(
    client: TestClient, web_store: Store, bob: str
) -> None:
    fill(web_store, 2)
    sign_in(client, bob)  # entry 3
    page = client.get("/admin/audit-log")
    assert page.status_code == 200
    assert "Verify the whole chain" in page.text and "login" in page.text
    checked = client.get("/admin/audit-log", params={"check": "true"})
    assert "The chain is intact: 3 entries checked" in checked.text
    tamper(web_store, "UPDATE audit_log SET action = 'view' WHERE seq = 1")
    broken = client.get("/admin/audit-log", params={"check": "true"})
    assert "The chain is broken at entry 1 (edited)" in broken.text


def test_the_page_filters_by_action(client: TestClient, web_store: Store, bob: str) -> None:
    fill(web_store, 1)
    sign_in(client, bob)
    page = client.get("/admin/audit-log", params={"action": "sweep"})
    assert "<td>sweep</td>" in page.text and "<td>login</td>" not in page.text
    wrong = client.get("/admin/audit-log", params={"action": "gossip"})
    assert wrong.status_code == 400 and "action: one of" in wrong.text


def test_a_viewer_may_not_read_the_audit_log(client: TestClient, charlie: str) -> None:
    sign_in(client, charlie)
    assert client.get("/admin/audit-log").status_code == 403
