"""A requester over HTTP: the code arrives by real SMTP, and nothing leaks before it is used."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from privet.clock import FixedClock
from privet.notify.service import deliver_all_due
from privet.store.open import Store
from privet.subjects.service import get_or_create_subject
from rights.conftest import Relay

URL = "/api/v1/requests"


def mailed_code(store: Store, relay: Relay, clock: FixedClock) -> str:
    deliver_all_due(store.sessions, relay.transport(), clock)
    body = relay.received[-1].get_body(preferencelist=("plain",))
    assert body is not None
    code = re.search(r"code ?: (\d{6})", body.get_content())  # English or French
    assert code is not None
    return code.group(1)


def test_a_request_is_verified_with_the_mailed_code_and_then_shows_its_deadline(
    client: TestClient, web_store: Store, relay: Relay, clock: FixedClock
) -> None:
    # A rectification waits for an officer, so it is still open after verification.
    accepted = client.post(URL, json={"kind": "rectification", "email": "ann@example.org"})
    assert accepted.status_code == 202
    sent = accepted.json()
    code = mailed_code(web_store, relay, clock)
    assert relay.received[-1]["To"] == "ann@example.org"
    assert sent["id"] in str(relay.received[-1].get_body(preferencelist=("plain",)))
    verify = f"{URL}/{sent['id']}/verify"
    wrong = client.post(
        verify, json={"token": sent["token"], "code": "000000" if code != "000000" else "111111"}
    )
    assert wrong.status_code == 400 and "code" in wrong.json()["error"]["fields"]
    verified = client.post(verify, json={"token": sent["token"], "code": code})
    assert verified.status_code == 200
    status = client.get(f"{URL}/{sent['id']}", params={"token": sent["token"]}).json()
    assert status["status"] == "open" and status["due_at"].startswith("2026-12-23")
    assert [step["step"] for step in status["history"]] == ["received", "verified"]


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(
    client: TestClient, web_store: Store, clock: FixedClock
) -> None:
    with web_store.transaction() as session:
        get_or_create_subject(session, "known@example.org", clock.now())
    known = client.post(URL, json={"kind": "erasure", "email": "known@example.org"})
    unknown = client.post(URL, json={"kind": "erasure", "email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 202
    shape = {key: type(value) for key, value in known.json().items()}
    assert shape == {key: type(value) for key, value in unknown.json().items()}
    status = client.get(f"{URL}/{known.json()['id']}", params={"token": known.json()["token"]})
    assert "known@example.org" not in status.text and status.json()["status"] == "unverified"


def test_a_wrong_token_or_id_finds_nothing(client: TestClient) -> None:
    sent = client.post(URL, json={"kind": "access", "email": "ann@example.org"}).json()
    assert client.get(f"{URL}/{sent['id']}", params={"token": "guess"}).status_code == 404
    assert client.get(f"{URL}/{sent['id']}").status_code == 422  # the token is required


def test_bad_input_names_the_field(client: TestClient) -> None:
    response = client.post(URL, json={"kind": "telepathy", "email": "ann@"})
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"kind", "email"}


def test_the_portal_sends_a_request_and_asks_for_the_code(
    client: TestClient, web_store: Store, relay: Relay, clock: FixedClock
) -> None:
    page = client.get("/privacy/requests", params={"lang": "fr"})
    assert "Une copie de mes données" in page.text and "within 30 days" not in page.text
    sent = client.post(
        "/privacy/requests", data={"kind": "erasure", "email": "ann@example.org", "lang": "fr"}
    )
    assert sent.status_code == 200 and "Saisissez-le ici" in sent.text
    status_url = str(sent.url)
    token = status_url.split("token=")[1]
    code = mailed_code(web_store, relay, clock)
    request_id = status_url.split("/privacy/requests/")[1].split("?")[0]
    wrong = client.post(
        f"/privacy/requests/{request_id}/verify", data={"token": token, "code": "x"}
    )
    assert wrong.status_code == 400 and "ne fonctionne pas" in wrong.text
    done = client.post(
        f"/privacy/requests/{request_id}/verify", data={"token": token, "code": code}
    )
    assert done.status_code == 200 and "Traitée" in done.text
    assert "Nous ne détenons aucune donnée" in done.text  # an erasure of nobody: said so
