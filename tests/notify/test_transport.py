from __future__ import annotations

import logging
import stat
import uuid
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from conftest import NOW, make_settings
from notify.conftest import SENDER, Relay, free_port
from privet.config import SettingsError
from privet.notify.models import OutboxMessage
from privet.notify.transport import (
    DeliveryError,
    FolderTransport,
    SmtpTransport,
    transport_for,
)


def message(**given: object) -> OutboxMessage:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "recipient": "ann@example.org",
        "subject_line": "Your request",
        "body": "We received your request.",
        "html": None,
        "headers": "{}",
        "created_at": NOW,
    }
    return OutboxMessage(**(values | given))


def test_it_hands_a_message_to_a_real_smtp_server(relay: Relay) -> None:
    relay.transport().send(message())
    [received] = relay.received
    assert received["To"] == "ann@example.org"
    assert received["From"] == SENDER
    assert received["Subject"] == "Your request"
    assert received.get_content().strip() == "We received your request."


def test_it_sends_the_html_part_and_the_extra_headers(relay: Relay) -> None:
    unsubscribe = "<https://privacy.example.org/unsubscribe/t0ken>"
    headers = f'{{"List-Unsubscribe": "{unsubscribe}"}}'
    relay.transport().send(message(html="<p>We received it.</p>", headers=headers))
    [received] = relay.received
    assert received["List-Unsubscribe"] == unsubscribe
    html = received.get_body(("html",))
    assert html is not None and "<p>We received it.</p>" in html.get_content()


def test_the_message_id_is_the_same_for_every_attempt(relay: Relay) -> None:
    once = message()
    relay.transport().send(once)
    relay.transport().send(once)
    first, second = relay.received
    assert first["Message-ID"] == second["Message-ID"] == f"<{once.id}@example.org>"


def test_it_signs_in_with_the_credentials_in_the_url(relay: Relay) -> None:
    url = f"smtp://mailer:s%40cret@127.0.0.1:{relay.port}"
    SmtpTransport.from_url(url, SENDER).send(message())
    assert relay.logins == [(b"mailer", b"s@cret")]
    assert len(relay.received) == 1


def test_a_refusal_is_reported_without_the_servers_words(relay: Relay) -> None:
    relay.refusal = "550 5.1.1 <ann@example.org>: no such user"
    with pytest.raises(DeliveryError) as refused:
        relay.transport().send(message())
    assert str(refused.value) == "recipient refused (550)"
    assert refused.value.__cause__ is None and refused.value.__suppress_context__


def test_a_server_nobody_runs_is_a_delivery_error() -> None:
    transport = SmtpTransport(host="127.0.0.1", port=free_port(), sender=SENDER)
    with pytest.raises(DeliveryError, match="ConnectionRefusedError"):
        transport.send(message())


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mx.example.org", ("mx.example.org", 25, False, False, None)),
        ("smtps://u:p@mx.example.org", ("mx.example.org", 465, True, False, "u")),
        ("smtp://u:p@mx.example.org:587?starttls=true", ("mx.example.org", 587, False, True, "u")),
        ("smtp://u:p@localhost:2525", ("localhost", 2525, False, False, "u")),
    ],
)
def test_it_reads_the_smtp_url(url: str, expected: tuple[object, ...]) -> None:
    transport = SmtpTransport.from_url(url, SENDER)
    found = (transport.host, transport.port, transport.implicit_tls, transport.starttls)
    assert (*found, transport.username) == expected


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://relay.example.org", "smtp://HOST"),
        ("smtp://", "smtp://HOST"),
        ("smtp://relay.example.org:twenty-five", "not a number"),
        ("smtp://relay.example.org?tls=yes", "one option"),
        ("smtp://relay.example.org?starttls=yes", "true or false"),
        ("smtps://relay.example.org?starttls=true", "TLS already"),
        ("smtp://u:hunter2@relay.example.org", "password in clear"),
    ],
)
def test_it_refuses_a_bad_smtp_url_without_repeating_it(url: str, problem: str) -> None:
    with pytest.raises(SettingsError, match=problem) as refused:
        SmtpTransport.from_url(url, SENDER)
    assert "relay.example.org" not in str(refused.value)
    assert "hunter2" not in str(refused.value)


def test_the_folder_gets_an_eml_file_only_its_owner_can_read(tmp_path: Path) -> None:
    folder = tmp_path / "outbox"
    FolderTransport(folder, SENDER).send(message(subject_line="Welcome"))
    [written] = folder.iterdir()
    assert written.suffix == ".eml"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    received = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert received["To"] == "ann@example.org" and received["Subject"] == "Welcome"


def test_a_folder_that_cannot_be_written_is_a_delivery_error(tmp_path: Path) -> None:
    (tmp_path / "outbox").write_text("a file, not a folder")
    with pytest.raises(DeliveryError, match="FileExistsError"):
        FolderTransport(tmp_path / "outbox", SENDER).send(message())


def test_without_an_smtp_url_mail_goes_to_the_folder_and_the_log_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path, "sqlite://", outbox_dir=tmp_path / "outbox")
    transport = transport_for(settings)
    assert transport == FolderTransport(tmp_path / "outbox", "privet@localhost")
    [record] = [r for r in caplog.records if r.getMessage() == "mail_goes_to_folder"]
    assert record.levelno == logging.WARNING
    assert record.path == str(tmp_path / "outbox")  # type: ignore[attr-defined]  # set through `extra`


def test_with_an_smtp_url_mail_goes_to_the_relay(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path, "sqlite://", smtp_url="smtps://relay.example.org", mail_from=SENDER
    )
    assert transport_for(settings) == SmtpTransport(
        host="relay.example.org", port=465, sender=SENDER, implicit_tls=True
    )
