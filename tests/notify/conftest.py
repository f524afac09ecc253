"""A real SMTP server on loopback (aiosmtpd), and the mail it received."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from privet.notify.transport import SmtpTransport

SENDER = "privet@example.org"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Relay:
    """Receives mail into `received`; answers RCPT with `refusal` when one is set."""

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []
        self.refusal: str | None = None
        self.logins: list[tuple[bytes, bytes]] = []
        self.port = free_port()

    # aiosmtpd calls handle_<VERB> for each SMTP command.
    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.refusal:
            return self.refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: LoginPassword
    ) -> AuthResult:
        self.logins.append((data.login, data.password))
        return AuthResult(success=True)

    def transport(self) -> SmtpTransport:
        return SmtpTransport(host="127.0.0.1", port=self.port, sender=SENDER)


@pytest.fixture
def relay() -> Iterator[Relay]:
    relay = Relay()
    # start() returns once the server accepts connections: no sleeping.
    controller = Controller(
        relay,
        hostname="127.0.0.1",
        port=relay.port,
        authenticator=relay.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    yield relay
    controller.stop()
