"""`/demo/mailbox`: the mail privet wrote into the demo's outbox folder, newest first, and
the mailing list a processor would be given. Only `privet demo` serves it: in a real
deployment this mail is in people's own inboxes, and nobody else reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from email import policy as email_policy
from email.parser import BytesParser
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from privet.config import Settings
from privet.demo.templating import templates
from privet.marketing.export import Recipient, mailable
from privet.notify.service import deliver_all_due
from privet.notify.transport import FolderTransport
from privet.policy.schema import Policy

router = APIRouter(include_in_schema=False)

SHOWN = 50


@dataclass(frozen=True)
class Mail:
    file: str
    subject: str
    recipient: str
    date: str
    body: str


@router.get("/demo/mailbox", response_class=HTMLResponse)
def mailbox(request: Request) -> HTMLResponse:
    state = request.app.state
    settings: Settings = state.settings
    # As a mail program checks for mail when opened: what is due is delivered now, not at
    # the delivery loop's next pass, half a minute away. Claims keep each message to one.
    folder = FolderTransport(settings.outbox_dir, settings.mail_from)
    deliver_all_due(state.store.sessions, folder, state.clock)
    context = {
        "mails": read_mailbox(settings.outbox_dir),
        "mailing_list": _mailing_list(request),
        "processor": _processor(state.policy),
        "shown": SHOWN,
    }
    return templates.TemplateResponse(request, "demo/mailbox.html", context)


def read_mailbox(folder: Path) -> list[Mail]:
    """The newest messages first: a file's name starts with the time it was queued."""
    files = sorted(folder.glob("*.eml"), reverse=True)[:SHOWN] if folder.is_dir() else []
    return [_read(path) for path in files]


def _read(path: Path) -> Mail:
    message = BytesParser(policy=email_policy.default).parsebytes(path.read_bytes())
    body = message.get_body(preferencelist=("plain",))
    return Mail(
        file=path.name,
        subject=str(message["subject"] or ""),
        recipient=str(message["to"] or ""),
        date=str(message["date"] or ""),
        body=body.get_content() if body is not None else "",
    )


def _mailing_list(request: Request) -> list[Recipient] | None:
    """Who may be mailed now, as `privet marketing export` lists them; None without a
    marketing section."""
    state = request.app.state
    if state.policy.marketing is None:
        return None
    with state.store.transaction() as session:
        return list(mailable(session, state.policy, state.settings.base_url))


def _processor(policy: Policy) -> str:
    marketing = policy.marketing
    if marketing is None or marketing.processor is None:
        return "your mailing processor"
    return policy.processors[marketing.processor].name
