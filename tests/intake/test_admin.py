from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from conftest import PASSWORD, ROOT
from privet.clock import FixedClock
from privet.intake.models import Submission
from privet.policy.load import load_policy
from privet.policy.schema import Abuse
from privet.rights.actions import restrict
from privet.store.open import Store
from privet.subjects.service import find_subject

URL = "/api/v1/forms/contact/submissions"
ANN = {"name": "Ann", "email": "ann@example.org", "message": "A quote, please"}
BEA = {"name": "Bea", "email": "bea@example.org", "message": "Call me"}


def sign_in(client: TestClient, email: str) -> str:
    """Signs in; returns the CSRF token the pages carry."""
    form = client.get("/admin/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert csrf is not None
    client.post("/admin/login", data={"email": email, "password": PASSWORD,
                                      "csrf_token": csrf.group(1)})  # fmt: skip
    page = client.get("/admin/submissions").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    return token.group(1)


def the_submission(store: Store) -> Submission:
    with store.transaction() as session:
        return session.scalars(select(Submission)).one()


def test_an_officer_reads_submissions_and_finds_a_person_by_email(
    client: TestClient, bob: str
) -> None:
    client.post(URL, json=ANN)
    client.post(URL, json=BEA)
    csrf = sign_in(client, bob)
    listing = client.get("/admin/submissions").text
    assert "ann@example.org" in listing and "bea@example.org" in listing
    found = client.post("/admin/submissions/search", data={"email": "ANN@example.org",
                                                           "csrf_token": csrf})  # fmt: skip
    assert "ann@example.org" in found.text and "bea@example.org" not in found.text


def test_a_viewer_sees_when_and_why_but_not_what(
    client: TestClient, web_store: Store, charlie: str
) -> None:
    client.post(URL, json=ANN)
    sign_in(client, charlie)
    submission = the_submission(web_store)
    for page in (
        client.get("/admin/submissions"),
        client.get(f"/admin/submissions/{submission.id}"),
    ):
        assert page.status_code == 200
        assert "quotes_and_orders" in page.text
        assert "ann@example.org" not in page.text and "A quote, please" not in page.text


def test_searching_needs_the_csrf_token(client: TestClient, bob: str) -> None:
    sign_in(client, bob)
    response = client.post("/admin/submissions/search", data={"email": "ann@example.org",
                                                              "csrf_token": "forged"})  # fmt: skip
    assert response.status_code == 403


def test_staff_pages_need_a_login(client: TestClient) -> None:
    response = client.get("/admin/submissions", follow_redirects=False)
    assert response.status_code in (302, 303) and "/admin/login" in response.headers["location"]


def test_flagging_needs_an_abuse_section_in_the_policy(
    client: TestClient, web_store: Store, bob: str
) -> None:
    client.post(URL, json=ANN)
    csrf = sign_in(client, bob)
    submission = the_submission(web_store)
    response = client.post(f"/admin/submissions/{submission.id}/flag",
                           data={"note": "insults", "csrf_token": csrf})  # fmt: skip
    assert response.status_code == 409
    assert "abuse section" in response.text


def test_a_flagged_submission_moves_to_the_abuse_purpose(
    client: TestClient, web_store: Store, bob: str, charlie: str
) -> None:
    policy = load_policy(ROOT / "examples" / "ntoprog" / "policy.yaml")
    abuse = Abuse(purpose="security", category="browsing")
    client.app.state.policy = policy.model_copy(update={"abuse": abuse})  # type: ignore[attr-defined]
    client.post(URL, json=ANN)
    submission = the_submission(web_store)
    csrf = sign_in(client, charlie)
    denied = client.post(f"/admin/submissions/{submission.id}/flag",
                         data={"note": "insults", "csrf_token": csrf})  # fmt: skip
    assert denied.status_code == 403
    client.cookies.clear()
    csrf = sign_in(client, bob)
    done = client.post(f"/admin/submissions/{submission.id}/flag",
                       data={"note": "insults; sender blocked", "csrf_token": csrf},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    flagged = the_submission(web_store)
    assert (flagged.purpose, flagged.legal_basis, flagged.categories) == (
        "security", "legitimate_interest", "browsing")  # fmt: skip
    assert flagged.flag_note == "insults; sender blocked" and flagged.flagged_at is not None
    again = client.post(f"/admin/submissions/{submission.id}/flag",
                        data={"note": "again", "csrf_token": csrf})  # fmt: skip
    assert again.status_code == 409


def test_a_restricted_persons_submissions_say_do_not_use(
    client: TestClient, web_store: Store, bob: str, clock: FixedClock
) -> None:
    client.post(URL, json=ANN)
    client.post(URL, json=BEA)
    with web_store.transaction() as session:
        assert restrict(session, "ann@example.org", clock.now())
        ann = find_subject(session, "ann@example.org")
        assert ann is not None
        [submission] = session.scalars(select(Submission).where(Submission.subject_id == ann.id))
    sign_in(client, bob)
    rows = client.get("/admin/submissions").text.split("<tr>")
    assert ["ann@example.org" in row for row in rows if "do not use" in row] == [True]
    assert "Restricted since" in client.get(f"/admin/submissions/{submission.id}").text
