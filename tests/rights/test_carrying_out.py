"""Every kind of request end to end, on both databases, with a connected shop database.

Submit over HTTP, receive the code by real SMTP, verify, and look at the result: the
export's bytes, the rows left in privet's store and in the shop's own SQLite file.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text

from conftest import NOW, PASSWORD, make_settings
from marketing.conftest import INQUIRY, NTROPIC
from privet.admin import service as staff_service
from privet.clients.service import NewContract, record_contract
from privet.clock import FixedClock
from privet.intake.notices import Notices
from privet.intake.service import submit
from privet.marketing.export import mailable
from privet.marketing.service import is_suppressed
from privet.models import Base
from privet.notify.service import deliver_all_due
from privet.policy.load import load_policy
from privet.policy.schema import Policy
from privet.rights import service
from privet.rights.models import DataRequest
from privet.store.open import Store
from privet.subjects.service import email_index, find_subject
from privet.web.app import create_app
from rights.conftest import Certificate, Relay, Serve

ANN = INQUIRY | {"name": "Ann Example", "email": "ann@example.org", "telephone": "+1 202 555 0101",
                 "inquiry": "A shop for my bakery", "privet_marketing": "yes"}  # fmt: skip
BOB = INQUIRY | {"name": "Bob Other", "email": "bob@example.org",
                 "inquiry": "A portfolio site", "privet_marketing": "yes"}  # fmt: skip
SHOP = """
CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT, city TEXT);
CREATE TABLE newsletter (id INTEGER PRIMARY KEY, address TEXT NOT NULL, topics TEXT);
INSERT INTO customers VALUES (1, 'ann@example.org', 'Ann Shopper', 'Annecy'),
                             (2, 'bob@example.org', 'Bob Shopper', 'Bordeaux');
INSERT INTO newsletter VALUES (1, 'ann@example.org', 'pastry'), (2, 'bob@example.org', 'jazz');
"""
SYSTEMS = """
systems:
  shop:
    database: SHOP_DATABASE_URL
    tables:
      customers:
        email: email
        on_erasure: delete
        columns: {email: inquiry, name: inquiry, city: inquiry}
      newsletter:
        email: address
        on_erasure: mask
        columns: {address: inquiry, topics: inquiry}
"""


@dataclass
class Site:
    client: TestClient
    store: Store
    policy: Policy
    relay: Relay
    clock: FixedClock
    shop: Path

    def ask(self, kind: str, email: str, **extra: Any) -> dict[str, Any]:
        """Send a request and prove the address with the mailed code; its progress."""
        sent = self.client.post("/api/v1/requests", json={"kind": kind, "email": email} | extra)
        assert sent.status_code == 202, sent.text
        answer = sent.json()
        verified = self.client.post(
            f"/api/v1/requests/{answer['id']}/verify",
            json={"token": answer["token"], "code": self.code_for(answer["id"])},
        )
        assert verified.status_code == 200, verified.text
        return verified.json() | {"token": answer["token"]}

    def code_for(self, request_id: str) -> str:
        self.deliver()
        for message in reversed(self.relay.received):
            body = _text(message)
            if request_id in body:
                found = re.search(r"code: (\d{6})", body)
                assert found is not None
                return found.group(1)
        raise AssertionError("no code was mailed for this request")

    def deliver(self) -> None:
        deliver_all_due(self.store.sessions, self.relay.transport(), self.clock)

    def last_mail_to(self, email: str) -> str:
        self.deliver()
        return next(_text(m) for m in reversed(self.relay.received) if m["To"] == email)

    def shop_rows(self) -> dict[str, list[tuple[Any, ...]]]:
        engine = create_engine(f"sqlite:///{self.shop}")
        with engine.connect() as connection:
            rows = {
                table: list(connection.execute(text(f"SELECT * FROM {table} ORDER BY id")))
                for table in ("customers", "newsletter")
            }
        engine.dispose()
        return rows

    def officer(self) -> TestClient:
        with self.store.transaction() as session:
            staff_service.create_user(session, "officer@example.org", "officer", PASSWORD, NOW)
        self.client.get("/admin/login")
        self.client.post(
            "/admin/login",
            data={"email": "officer@example.org", "password": PASSWORD,
                  "csrf_token": self.client.cookies.get("privet_login_csrf", "")},
        )  # fmt: skip
        return self.client


@pytest.fixture
def site(
    store: Store, database_url: str, tmp_path: Path, *, clock: FixedClock, relay: Relay,
    monkeypatch: pytest.MonkeyPatch, certificate: Certificate,
) -> Iterator[Site]:  # fmt: skip
    shop = tmp_path / "shop.db"
    engine = create_engine(f"sqlite:///{shop}")
    with engine.begin() as connection:
        for statement in SHOP.split(";"):
            if statement.strip():
                connection.execute(text(statement))
    engine.dispose()
    monkeypatch.setenv("SHOP_DATABASE_URL", f"sqlite:///{shop}")
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(NTROPIC.read_text() + SYSTEMS)
    policy = load_policy(policy_file)
    assert policy.marketing is not None  # single opt-in: the people below are mailable
    policy = policy.model_copy(update={
        "marketing": policy.marketing.model_copy(update={"double_opt_in": False})})  # fmt: skip
    _seed(store, policy)
    # The provider a portability export goes to is the tests' HTTPS server on loopback.
    settings = make_settings(
        tmp_path, database_url, policy=policy_file,
        push_allowed_hosts=frozenset({"127.0.0.1"}), push_ca_file=certificate.cert_file,
    )  # fmt: skip
    client = TestClient(create_app(settings, policy, store, clock))
    yield Site(client, store, policy, relay, clock, shop)


def _seed(store: Store, policy: Policy) -> None:
    notices = Notices(base_url="http://127.0.0.1:8000", operator=None)
    with store.transaction() as session:
        for values in (ANN, BOB):
            submit(session, policy, "inquiry", values, NOW, notices=notices)
        contract = NewContract("ann@example.org", "INV-2026-7", date(2026, 1, 5))
        record_contract(session, policy, contract, NOW)


def _text(message: Any) -> str:
    return str(message.get_body(preferencelist=("plain",)).get_content())


def everything_stored(store: Store) -> str:
    """Every column of every table of privet's store, decrypted, as one text."""
    with store.transaction() as session:
        return "\n".join(
            repr(list(session.execute(select(table)))) for table in Base.metadata.sorted_tables
        )


def download(site: Site, mail: str) -> zipfile.ZipFile:
    link = re.search(r"https?://\S+/privacy/exports/\S+", mail)
    assert link is not None
    path = link.group(0).split("/", 3)[3]
    response = site.client.get("/" + path)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_access_exports_everything_about_the_person_and_nothing_of_anyone_else(
    site: Site,
) -> None:
    progress = site.ask("access", "ann@example.org")
    assert progress["status"] == "done"
    archive = download(site, site.last_mail_to("ann@example.org"))
    everything = "".join(archive.read(name).decode() for name in archive.namelist())
    data = json.loads(archive.read("data.json"))
    records = data["records"]
    assert records["submissions"][0]["fields"]["inquiry"] == "A shop for my bakery"
    assert records["contracts"][0]["reference"] == "INV-2026-7"
    assert records["marketing_consents"][0]["wording"]
    assert records["subject"][0]["email"] == "ann@example.org"
    assert [step["step"] for step in records["requests"][0]["history"]][:2] == [
        "received", "verified"]  # fmt: skip
    shop = data["systems"]["shop"]
    assert [row["name"] for row in shop["customers"]] == ["Ann Shopper"]
    assert [row["topics"] for row in shop["newsletter"]] == ["pastry"]
    assert {"summary.html", "records/submissions.csv"} <= set(archive.namelist())
    for other in ("bob@example.org", "Bob", "portfolio", "jazz", "Bordeaux"):
        assert other not in everything
    assert "_index" not in json.dumps(records) and "token_hash" not in json.dumps(records)


def test_portability_is_also_sent_to_the_provider_the_requester_named(
    site: Site, serve: Serve
) -> None:
    recipient = serve()
    progress = site.ask("portability", "ann@example.org", recipient_url=recipient.url)
    assert progress["status"] == "done"
    assert "pushed" in [step["step"] for step in progress["history"]]
    [(_, content_type, body)] = recipient.received
    document = json.loads(body)
    assert content_type == "application/json"
    assert document["records"]["contracts"][0]["reference"] == "INV-2026-7"
    assert "Bob" not in body.decode()


def test_a_recipient_on_a_private_network_is_refused_and_the_link_still_sent(
    site: Site,
) -> None:
    progress = site.ask("portability", "ann@example.org", recipient_url="https://10.0.0.7/in")
    assert progress["status"] == "done"
    assert "push_failed" in [step["step"] for step in progress["history"]]
    assert "/privacy/exports/" in site.last_mail_to("ann@example.org")


def test_a_forged_or_expired_download_link_opens_nothing(site: Site) -> None:
    site.ask("access", "ann@example.org")
    mail = site.last_mail_to("ann@example.org")
    link = re.search(r"/privacy/exports/\S+", mail)
    assert link is not None
    # Change the signature's first digit (to another digit: the same one would forge nothing).
    forged = re.sub(r"sig=(\w)", lambda m: "sig=" + ("1" if m[1] == "0" else "0"), link.group(0))
    assert site.client.get(forged).status_code == 404
    site.clock.advance(timedelta(days=8))
    assert site.client.get(link.group(0)).status_code == 404


def test_erasure_keeps_only_the_contract_the_law_requires_and_says_why(
    site: Site, database_url: str
) -> None:
    progress = site.ask("erasure", "ann@example.org")
    assert progress["status"] == "done"
    answer = " ".join(progress["answer"])
    assert "tax and accounting records" in answer and "contracts" in answer
    site.deliver()  # the answer goes, and is then forgotten with the rest
    stored = everything_stored(site.store)
    for trace in ("Ann Example", "bakery", "555 0101", "Ann Shopper", "pastry"):
        assert trace not in stored
    assert "INV-2026-7" in stored  # kept: 7 years after the contract ends
    assert "Bob Other" in stored and "portfolio" in stored  # nobody else is touched
    shop = site.shop_rows()
    assert [row[1] for row in shop["customers"]] == ["bob@example.org"]
    assert "ann@example.org" not in repr(shop) and "pastry" not in repr(shop)
    assert shop["newsletter"][1][1] == "bob@example.org"
    with site.store.transaction() as session:
        ann = find_subject(session, "ann@example.org")
        assert ann is not None and ann.restricted_at is not None
        assert is_suppressed(session, email_index(session, "ann@example.org"))
    if database_url.startswith("sqlite"):
        raw = Path(database_url.removeprefix("sqlite:///")).read_bytes()
        assert b"ann@example.org" not in raw and b"bakery" not in raw


def test_erasure_of_someone_without_a_contract_leaves_no_trace_and_can_run_again(
    site: Site,
) -> None:
    assert site.ask("erasure", "bob@example.org")["status"] == "done"
    site.deliver()
    stored = everything_stored(site.store)
    for trace in ("bob@example.org", "Bob Other", "portfolio", "Bob Shopper"):
        assert trace not in stored
    assert "Ann Example" in stored
    again = site.ask("erasure", "bob@example.org")
    assert again["status"] == "done"
    assert "We hold no data" in " ".join(again["answer"])


def test_objection_withdraws_marketing_consent_and_suppresses_the_address(site: Site) -> None:
    with site.store.transaction() as session:
        before = [r.email for r in mailable(session, site.policy, "http://x")]
    assert sorted(before) == ["ann@example.org", "bob@example.org"]
    assert site.ask("objection", "ann@example.org")["status"] == "done"
    with site.store.transaction() as session:
        after = [r.email for r in mailable(session, site.policy, "http://x")]
        withdrawn = session.execute(
            text("SELECT count(*) FROM marketing_consents WHERE withdrawn_at IS NOT NULL")
        ).scalar()
    assert after == ["bob@example.org"] and withdrawn == 1
    assert "no more marketing" in site.last_mail_to("ann@example.org")


def test_restriction_marks_the_person_and_stops_marketing(site: Site) -> None:
    assert site.ask("restriction", "bob@example.org")["status"] == "done"
    with site.store.transaction() as session:
        bob = find_subject(session, "bob@example.org")
        assert bob is not None and bob.restricted_at == NOW
        assert [r.email for r in mailable(session, site.policy, "http://x")] == [
            "ann@example.org"]  # fmt: skip


def test_rectification_waits_for_an_officer_who_approves_the_corrected_values(
    site: Site,
) -> None:
    progress = site.ask("rectification", "ann@example.org", details="My name is Anne, with an e")
    assert progress["status"] == "open"
    officer = site.officer()
    page = officer.get(f"/admin/requests/{progress['id']}")
    assert "My name is Anne, with an e" in page.text and "Ann Example" in page.text
    name_field = re.search(r'name="(value:[^"]+\.name)"', page.text)
    assert name_field is not None
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    done = officer.post(
        f"/admin/requests/{progress['id']}/rectify",
        data={"csrf_token": csrf.group(1), name_field.group(1): "Anne Example"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    stored = everything_stored(site.store)
    assert "Anne Example" in stored and "Ann Example" not in stored
    assert "corrected" in site.last_mail_to("ann@example.org")


def test_a_parents_request_about_a_child_waits_for_an_officer(site: Site) -> None:
    progress = site.ask("child_erasure", "bob@example.org")
    assert progress["status"] == "open"
    officer = site.officer()
    page = officer.get(f"/admin/requests/{progress['id']}")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    officer.post(f"/admin/requests/{progress['id']}/carry-out",
                 data={"csrf_token": csrf.group(1)})  # fmt: skip
    assert "Bob Other" not in everything_stored(site.store)


@pytest.mark.parametrize(
    ("kind", "action", "status", "answer"),
    [
        ("rectification", "refuse", "refused", "nothing is held any more"),
        ("objection", "carry-out", "done", "no more marketing"),
    ],
    ids=["refused-rectification", "carried-out-objection"],
)
def test_a_request_still_open_at_an_erasure_is_answered_then_forgets_the_address(
    site: Site, kind: str, action: str, status: str, answer: str
) -> None:
    with site.store.transaction() as session:
        pending = service.staff_request(
            session, site.policy, kind, "bob@example.org", language="en", now=NOW
        ).id
    assert site.ask("erasure", "bob@example.org")["status"] == "done"
    officer = site.officer()
    page = officer.get(f"/admin/requests/{pending}").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None and "bob@example.org" in page  # the officer sees whom to answer
    answered = officer.post(
        f"/admin/requests/{pending}/{action}",
        data={"csrf_token": csrf.group(1), "reason": "nothing is held any more"},
        follow_redirects=False,
    )
    assert answered.status_code == 303
    assert answer in site.last_mail_to("bob@example.org")
    with site.store.transaction() as session:
        closed = session.get_one(DataRequest, pending)
        assert (closed.status, closed.email) == (status, "")
    assert "bob@example.org" not in everything_stored(site.store)
