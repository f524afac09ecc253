"""The demo's mailbox: what privet mailed, newest first, escaped; and the mailing list."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from demo.conftest import Demo
from privet.notify.models import OutboxMessage
from privet.notify.service import queue_email

NTROPIC = pytest.mark.parametrize("template", ["ntropic"])
INQUIRY = {"name": "Ada Example", "email": "ada@example.org", "inquiry": "A website, please",
           "privet_age_confirmed": "yes", "privet_marketing": True}  # fmt: skip


def _subjects(page: str) -> list[str]:
    return re.findall(r"<h3>(.*?)</h3>", page)


@NTROPIC
def test_it_delivers_what_is_due_and_shows_it_newest_first(demo: Demo, visitor: TestClient) -> None:
    with demo.store.transaction() as session:
        queue_email(session, "ada@example.org", "First", "One.", demo.clock.now())
    demo.clock.advance(timedelta(minutes=1))
    with demo.store.transaction() as session:
        queue_email(session, "ada@example.org", "Second", "Two.", demo.clock.now())
    page = visitor.get("/demo/mailbox").text
    assert _subjects(page) == ["Second", "First"]
    assert "To ada@example.org" in page and "<pre>Two.\n</pre>" in page
    assert len(list(demo.settings.outbox_dir.glob("*.eml"))) == 2
    with demo.store.transaction() as session:
        sent = list(session.scalars(select(OutboxMessage.sent_at)))
    assert len(sent) == 2 and None not in sent


@NTROPIC
def test_it_escapes_everything_a_mail_holds(demo: Demo, visitor: TestClient) -> None:
    mail = EmailMessage()
    mail["Subject"] = "<script>alert('subject')</script>"
    mail["To"] = '"<b>Ada</b>" <ada@example.org>'
    mail.set_content("<img src=x onerror=alert(1)> javascript:alert(1)\n")
    demo.settings.outbox_dir.mkdir(parents=True)
    (demo.settings.outbox_dir / "20261123T120000Z-hostile.eml").write_bytes(mail.as_bytes())
    page = visitor.get("/demo/mailbox").text
    assert "<script>alert" not in page and "<b>Ada</b>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#39;subject&#39;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'href="javascript:' not in page


@NTROPIC
def test_web_addresses_in_a_mail_can_be_followed(demo: Demo, visitor: TestClient) -> None:
    link = "http://testserver/privacy/requests/0f1e?token=a-b_c"
    with demo.store.transaction() as session:
        queue_email(session, "ada@example.org", "A link", f"Open:\n{link}\n", demo.clock.now())
    page = visitor.get("/demo/mailbox").text
    assert f'<a href="{link}" rel="noopener">{link}</a>' in page


@NTROPIC
def test_the_mailing_list_gives_a_confirmed_person_their_unsubscribe_link(
    visitor: TestClient,
) -> None:
    assert visitor.post("/api/v1/forms/inquiry/submissions", json=INQUIRY).status_code == 201
    confirm = re.search(r'href="http://testserver(/marketing/confirm/[\w-]+)"',
                        visitor.get("/demo/mailbox").text)  # fmt: skip
    assert confirm is not None
    assert "Nobody may be mailed now" in visitor.get("/demo/mailbox").text
    visitor.post(confirm.group(1))
    page = visitor.get("/demo/mailbox").text
    unsubscribe = re.search(
        r'<td>ada@example.org</td><td>Ada Example</td>.*?href="http://testserver'
        r'(/unsubscribe/[\w-]+)">Unsubscribe ada@example.org</a>', page, re.DOTALL,
    )  # fmt: skip
    assert unsubscribe is not None
    visitor.post(unsubscribe.group(1))
    assert "Nobody may be mailed now" in visitor.get("/demo/mailbox").text


@pytest.mark.parametrize("template", ["ntoprog"])
def test_without_marketing_there_is_no_mailing_list(visitor: TestClient) -> None:
    page = visitor.get("/demo/mailbox").text
    assert "The mailing list" not in page and "No mail yet." in page
