"""What the request tests share: the loopback SMTP server that receives codes, and
another provider's HTTPS endpoint, with its own certificate, that receives exports."""

from __future__ import annotations

import datetime as dt
import ipaddress
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

from notify.conftest import Relay, relay

__all__ = ["Relay", "relay"]


def serve_in_thread(stack: ExitStack, server: HTTPServer) -> None:
    """Serve until `stack` closes, then stop and close the server and join its thread."""
    thread = threading.Thread(target=server.serve_forever, args=(0.05,))
    thread.start()
    stack.callback(thread.join)
    stack.callback(server.server_close)
    stack.callback(server.shutdown)


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
            serve_in_thread(stack, recipient)
            return recipient

        yield start
