"""Pushing an export to another provider: a real HTTPS server on loopback, its own certificate."""

from __future__ import annotations

import json

import pytest

from privet.rights.push import RecipientRefused, check_recipient, push_export
from rights.conftest import Certificate, Serve

DOCUMENT = {"format": "privet-export/1", "subject": {"email": "ann@example.org"}, "name": "Анна"}
LOOPBACK = frozenset({"127.0.0.1"})


def test_it_delivers_the_json_to_an_allowed_host_it_trusts(
    serve: Serve, certificate: Certificate
) -> None:
    recipient = serve()
    outcome = push_export(
        recipient.url, DOCUMENT, allowed_hosts=LOOPBACK, ca_file=certificate.cert_file
    )
    assert (outcome.ok, outcome.status) == (True, 200)
    [(path, content_type, body)] = recipient.received
    assert (path, content_type) == ("/inbox?from=privet", "application/json")
    assert json.loads(body) == DOCUMENT


def test_it_refuses_loopback_unless_the_operator_allows_it(
    serve: Serve, certificate: Certificate
) -> None:
    recipient = serve()
    with pytest.raises(RecipientRefused, match="not public"):
        push_export(recipient.url, DOCUMENT, ca_file=certificate.cert_file)
    assert recipient.received == []


def test_it_sends_nothing_to_a_server_it_does_not_trust(serve: Serve) -> None:
    recipient = serve()
    outcome = push_export(recipient.url, DOCUMENT, allowed_hosts=LOOPBACK)
    assert (outcome.ok, outcome.status) == (False, None)
    assert outcome.detail == "TLS failed: CERTIFICATE_VERIFY_FAILED"
    assert recipient.received == []


def test_it_reports_a_refusal_without_repeating_the_answer(
    serve: Serve, certificate: Certificate
) -> None:
    recipient = serve(status=500)
    outcome = push_export(
        recipient.url, DOCUMENT, allowed_hosts=LOOPBACK, ca_file=certificate.cert_file
    )
    assert (outcome.ok, outcome.status) == (False, 500)
    assert outcome.detail == "the recipient refused: 500 Internal Server Error"
    assert len(recipient.received) == 1


def test_it_does_not_follow_a_redirect(serve: Serve, certificate: Certificate) -> None:
    elsewhere = serve()
    recipient = serve(status=302, location=elsewhere.url)
    outcome = push_export(
        recipient.url, DOCUMENT, allowed_hosts=LOOPBACK, ca_file=certificate.cert_file
    )
    assert (outcome.ok, outcome.status) == (False, 302)
    assert "redirects are not followed" in outcome.detail
    assert len(recipient.received) == 1
    assert elsewhere.received == []


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://recipient.example.org/inbox", "only an https URL"),
        ("https://alice:secret@recipient.example.org/inbox", "user name or password"),
        ("https://recipient.example.org/in\nbox", "control characters"),
        ("https://recipient.example.org:99999/inbox", "port"),
        ("https:///inbox", "no host"),
        ("https://localhost/inbox", "not public"),
        ("https://10.1.2.3/inbox", "not public"),
        ("https://169.254.169.254/latest/meta-data", "not public"),
        ("https://224.0.0.1/inbox", "not public"),
        ("https://0.0.0.0/inbox", "not public"),
        ("https://[::1]/inbox", "not public"),
        ("https://[::ffff:127.0.0.1]/inbox", "not public"),
        ("https://[2002:7f00:1::]/inbox", "not public"),  # 6to4 carrying 127.0.0.1
        ("https://recipient.invalid/inbox", "does not resolve"),
    ],
)
def test_it_refuses_urls_that_could_reach_inside(url: str, why: str) -> None:
    with pytest.raises(RecipientRefused, match=why):
        check_recipient(url)


def test_it_accepts_a_public_address_and_an_allowed_intranet_name() -> None:
    check_recipient("https://1.1.1.1/inbox")
    check_recipient("https://LocalHost./inbox", allowed_hosts=frozenset({"localhost"}))
