"""Pushing an export to another provider: a real HTTPS server on loopback, its own certificate."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from privet.rights.push import RecipientRefused, check_recipient, push_export

DOCUMENT = {"format": "privet-export/1", "subject": {"email": "ann@example.org"}, "name": "Анна"}
LOOPBACK = frozenset({"127.0.0.1"})


@dataclass(frozen=True)
class Certificate:
    cert_file: Path
    key_file: Path


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for 127.0.0.1: only a push given it as CA trusts the server."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "recipient.invalid")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Certificate(cert_file, key_file)


class Recipient(HTTPServer):
    """Another provider's endpoint; it answers every POST with `status`."""

    def __init__(self, certificate: Certificate, status: int, location: str | None) -> None:
        super().__init__(("127.0.0.1", 0), Inbox)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate.cert_file, certificate.key_file)
        self.socket = context.wrap_socket(self.socket, server_side=True)
        self.status, self.location = status, location
        self.url = f"https://127.0.0.1:{self.server_address[1]}/inbox?from=privet"
        self.received: list[tuple[str, str, bytes]] = []  # path, content type, body


class Inbox(BaseHTTPRequestHandler):
    server: Recipient

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.path, self.headers["Content-Type"], body))
        # A body that echoes what was sent, as careless endpoints do: privet must not repeat it.
        answer = b"invalid subject: ann@example.org"
        self.send_response(self.server.status)
        if self.server.location:
            self.send_header("Location", self.server.location)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read `received`, not the log."""


Serve = Callable[..., Recipient]


@pytest.fixture
def serve(certificate: Certificate) -> Iterator[Serve]:
    with ExitStack() as stack:

        def start(status: int = 200, location: str | None = None) -> Recipient:
            recipient = Recipient(certificate, status, location)
            thread = threading.Thread(target=recipient.serve_forever, args=(0.05,))
            thread.start()
            stack.callback(thread.join)
            stack.callback(recipient.server_close)
            stack.callback(recipient.shutdown)
            return recipient

        yield start


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
