"""Calling a processor's webhook: a real HTTP server on loopback that verifies the signature."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from conftest import NOW
from privet.rights.connectors.erasure import Erasure, KeptField
from privet.rights.connectors.webhook import (
    MAX_ANSWER_BYTES,
    UnexpectedAnswer,
    call_webhook,
    exported_rows,
    reported_erasure,
)
from rights.conftest import serve_in_thread

SECRET = b"whsec-shared-with-the-processor"
ANN = {"email": "ann@example.org"}
TOLERANCE_SECONDS = 300


class Processor(HTTPServer):
    """A processor's endpoint that checks calls as docs/policy.md tells processors to."""

    def __init__(self, answer: bytes, status: int, location: str | None) -> None:
        super().__init__(("127.0.0.1", 0), Endpoint)
        self.answer, self.status, self.location = answer, status, location
        self.url = f"http://127.0.0.1:{self.server_address[1]}/privet"
        self.calls: list[tuple[str, dict[str, str], bytes]] = []  # path, headers, body

    def verified(self, header: str, body: bytes) -> bool:
        fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
        timestamp = fields.get("t", "")
        expected = hmac.new(SECRET, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        fresh = timestamp.isdigit() and abs(NOW.timestamp() - int(timestamp)) <= TOLERANCE_SECONDS
        return fresh and hmac.compare_digest(expected, fields.get("v1", ""))


class Endpoint(BaseHTTPRequestHandler):
    server: Processor

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.calls.append((self.path, dict(self.headers), body))
        if self.server.verified(self.headers.get("Privet-Signature", ""), body):
            self.reply(self.server.status, self.server.answer)
        else:
            self.reply(401, b'{"error": "bad signature"}')

    def reply(self, status: int, answer: bytes) -> None:
        self.send_response(status)
        if self.server.location:
            self.send_header("Location", self.server.location)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read `calls`, not the log."""


Serve = Callable[..., Processor]


@pytest.fixture
def serve() -> Iterator[Serve]:
    with ExitStack() as stack:

        def start(answer: bytes = b"", status: int = 200, location: str | None = None) -> Processor:
            processor = Processor(answer, status, location)
            serve_in_thread(stack, processor)
            return processor

        yield start


def call(url: str, secret: bytes = SECRET, **given: Any) -> Any:
    return call_webhook(url, secret, "export", ANN, "req-1", now=given.pop("now", NOW), **given)


def test_it_sends_a_signed_call_the_processor_verifies(serve: Serve) -> None:
    processor = serve(b'{"rows": {"invoices": [{"number": "INV-7"}]}}')
    answer = call(processor.url)
    assert (answer.status, answer.error) == (200, None)
    assert exported_rows(answer.body) == {"invoices": [{"number": "INV-7"}]}
    [(path, headers, body)] = processor.calls
    assert json.loads(body) == {
        "action": "export", "request_id": "req-1", "identity": ANN,
        "sent_at": "2026-11-23T12:00:00+00:00",
    }  # fmt: skip
    assert headers["Privet-Signature"].startswith(f"t={int(NOW.timestamp())},v1=")
    assert headers["Content-Type"] == "application/json"
    assert "ann" not in path


def test_a_call_signed_with_another_secret_is_refused_and_reported(serve: Serve) -> None:
    processor = serve(b'{"rows": {}}')
    answer = call(processor.url, secret=b"not-the-shared-secret")
    assert (answer.status, answer.body) == (401, None)
    assert answer.error == "the webhook refused the call (HTTP 401)"
    assert len(processor.calls) == 1


def test_a_call_replayed_later_is_refused_by_its_timestamp(serve: Serve) -> None:
    processor = serve(b'{"rows": {}}')
    answer = call(processor.url, now=NOW - timedelta(hours=1))
    assert answer.status == 401


def test_it_refuses_an_answer_over_one_mebibyte(serve: Serve) -> None:
    processor = serve(b" " * MAX_ANSWER_BYTES + b"{}")
    answer = call(processor.url)
    assert (answer.status, answer.body) == (200, None)
    assert answer.error == "the answer is larger than 1 MiB"


def test_it_reports_an_answer_that_is_not_json_without_quoting_it(serve: Serve) -> None:
    answer = call(serve(b"done for ann@example.org").url)
    assert (answer.status, answer.error) == (200, "the answer is not JSON")


def test_it_does_not_follow_a_redirect(serve: Serve) -> None:
    elsewhere = serve()
    answer = call(serve(status=302, location=elsewhere.url).url)
    assert answer.status == 302
    assert answer.error == "the webhook redirected (HTTP 302); redirects are not followed"
    assert elsewhere.calls == []


def test_an_unreachable_webhook_is_an_answer_not_an_exception() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    answer = call(f"http://127.0.0.1:{port}/privet")
    assert answer == type(answer)(
        None, None, "could not reach the webhook (ConnectionRefusedError)"
    )


def test_it_gives_up_on_a_webhook_that_never_answers() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel accepts the connection; nobody ever answers
        answer = call(f"http://127.0.0.1:{silent.getsockname()[1]}/privet", timeout=0.2)
    assert (answer.status, answer.error) == (None, "the webhook did not answer in time")


def test_it_calls_nothing_but_https_or_loopback_http() -> None:
    answer = call("http://billing.example.org/privet")
    assert answer.status is None
    assert answer.error == (
        "not called: a webhook URL must be https (http only to 127.0.0.1, localhost or ::1)"
    )


def test_it_reads_what_an_erasure_answer_reports_without_the_address() -> None:
    body = {"changed": {"invoices": 2}, "kept": [{"collection": "invoices", "field": "number",
            "reason": "tax law: 10 years for ANN@example.org"}]}  # fmt: skip
    assert reported_erasure(body, ANN) == Erasure(
        {"invoices": 2}, (KeptField("invoices", "number", "tax law: 10 years for [redacted]"),)
    )
    assert reported_erasure(None, ANN) == Erasure({}, ())
    with pytest.raises(UnexpectedAnswer):
        reported_erasure({"changed": {"invoices": "two"}}, ANN)
    with pytest.raises(UnexpectedAnswer):
        exported_rows({"rows": {"invoices": ["INV-7"]}})
