"""Turning an outbox row into an RFC 5322 message: the same bytes for SMTP and for the folder."""

from __future__ import annotations

import json
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from privet.notify.models import OutboxMessage

# Set here from the row; a caller's extra headers may not replace them.
COMPOSED_HEADERS = frozenset(
    {"from", "to", "subject", "date", "message-id", "mime-version", "content-type",
     "content-transfer-encoding"}
)  # fmt: skip


def compose(message: OutboxMessage, sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.recipient
    mail["Subject"] = message.subject_line
    # The moment the message was queued: RFC 5322's "ready to enter the delivery system".
    mail["Date"] = format_datetime(message.created_at)
    # Made from the row's id, so a message sent twice (a crash between the relay accepting
    # it and privet recording that) carries one Message-ID and reads as one message.
    mail["Message-ID"] = f"<{message.id}@{_domain(sender)}>"
    for name, value in json.loads(message.headers).items():
        mail[name] = value
    mail.set_content(message.body)
    if message.html is not None:
        mail.add_alternative(message.html, subtype="html")
    return mail


def _domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"
