"""How mail leaves privet: an SMTP relay, or .eml files in a folder when there is none."""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from privet.config import Settings, SettingsError
from privet.notify.compose import compose
from privet.notify.models import OutboxMessage

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
TIMEOUT_SECONDS = 30


class DeliveryError(Exception):
    """A message could not be sent; the text is a reason free of personal data."""


class Transport(Protocol):
    def send(self, message: OutboxMessage) -> None:
        """Send `message`, or raise DeliveryError."""


def describe(error: Exception) -> str:
    """Why sending failed, without the server's words, which often quote the address."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _text in error.recipients.values()})
        return f"recipient refused ({', '.join(map(str, codes))})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__} {error.smtp_code}"
    if isinstance(error, OSError) and error.strerror:
        return f"{type(error).__name__}: {error.strerror}"
    return type(error).__name__


@dataclass(frozen=True)
class SmtpTransport:
    host: str
    port: int
    sender: str
    implicit_tls: bool = False
    starttls: bool = False
    username: str | None = None
    password: str = field(default="", repr=False)

    @classmethod
    def from_url(cls, url: str, sender: str) -> SmtpTransport:
        """Parse PRIVET_SMTP_URL. Errors never repeat the URL: it holds a password."""
        parts = urlsplit(url)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise SettingsError("PRIVET_SMTP_URL must look like smtp://HOST or smtps://HOST")
        try:
            port = parts.port or DEFAULT_PORTS[parts.scheme]
        except ValueError:
            raise SettingsError("PRIVET_SMTP_URL has a port that is not a number") from None
        transport = cls(
            host=parts.hostname,
            port=port,
            sender=sender,
            implicit_tls=parts.scheme == "smtps",
            starttls=_starttls(parts.query, parts.scheme),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password or ""),
        )
        transport._refuse_clear_password()
        return transport

    def _refuse_clear_password(self) -> None:
        # Loopback is exempt: a local relay never puts the password on a wire.
        encrypted = self.implicit_tls or self.starttls or self.host in LOOPBACK
        if self.username is not None and not encrypted:
            raise SettingsError(
                "PRIVET_SMTP_URL would send a password in clear: use smtps:// or ?starttls=true"
            )

    def send(self, message: OutboxMessage) -> None:
        # One connection a message: simple, and a small company's volume never needs more.
        try:
            with self._connect() as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username is not None:
                    smtp.login(self.username, self.password)
                smtp.send_message(compose(message, self.sender))
        except (smtplib.SMTPException, OSError, ValueError) as error:
            raise DeliveryError(describe(error)) from None  # the cause's text may hold the address

    def _connect(self) -> smtplib.SMTP:
        if self.implicit_tls:
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT_SECONDS, context=context)
        return smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS)


def _starttls(query: str, scheme: str) -> bool:
    options = parse_qs(query, keep_blank_values=True)
    if set(options) - {"starttls"}:
        raise SettingsError("PRIVET_SMTP_URL takes one option, ?starttls=true")
    value = options.get("starttls", ["false"])
    if value not in (["true"], ["false"]):
        raise SettingsError("PRIVET_SMTP_URL: starttls must be true or false")
    if value == ["true"] and scheme == "smtps":
        raise SettingsError("PRIVET_SMTP_URL: smtps:// is TLS already; drop ?starttls")
    return value == ["true"]


@dataclass(frozen=True)
class FolderTransport:
    """Each message as an .eml file readable by its owner only: mail is kept, not lost,
    until a relay is configured, and a developer can open it in any mail program."""

    folder: Path
    sender: str

    def send(self, message: OutboxMessage) -> None:
        target = self.folder / f"{message.created_at:%Y%m%dT%H%M%SZ}-{message.id}.eml"
        partial = target.with_suffix(".part")
        try:
            data = compose(message, self.sender).as_bytes()
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as out:
                out.write(data)
            os.replace(partial, target)  # whole or absent: a reader never sees half a message
        except (OSError, ValueError) as error:
            raise DeliveryError(describe(error)) from None


def transport_for(settings: Settings) -> Transport:
    """The relay in PRIVET_SMTP_URL, or the outbox folder, which the log announces."""
    if settings.smtp_url:
        return SmtpTransport.from_url(settings.smtp_url, settings.mail_from)
    log.warning(
        "mail_goes_to_folder",
        extra={
            "path": str(settings.outbox_dir.resolve()),
            "advice": "set PRIVET_SMTP_URL to send mail through a relay",
        },
    )
    return FolderTransport(settings.outbox_dir, settings.mail_from)
