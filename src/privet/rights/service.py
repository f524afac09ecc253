"""Data-subject requests: receiving them, proving the address, deadlines, extensions.

Nothing about a person is looked at before the requester proves they read mail at the
address: the same answer and the same mail go out whether or not privet knows it. The
deadline the policy promises ("within 30 days", "one month at the latest") runs from
that proof, in calendar terms for months (GDPR art. 12(3)).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from privet.admin.models import StaffUser
from privet.consent.service import link_visitor
from privet.policy.schema import Policy
from privet.rights.models import DataRequest, RequestEvent
from privet.store.types import keyring_of
from privet.subjects.service import email_index, email_indexes, find_subject

# The kinds a requester may pick, as the policy's `rights.offered` names them; a parent's
# request to erase a child's data comes with the policy's `children` section.
KINDS = ("access", "rectification", "erasure", "portability", "objection", "restriction")
CHILD_ERASURE = "child_erasure"
CODE_LIFETIME = timedelta(minutes=30)
CODE_ATTEMPTS = 5
# Past this many unverified requests for one address in an hour, privet still answers as
# usual but mails no more codes: nobody can mail-bomb an address through the portal.
MAILS_PER_HOUR = 3
DETAILS_LENGTH = 2000
URL_LENGTH = 500


class RequestInvalid(ValueError):
    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {why}" for field, why in problems.items()))
        self.problems = problems


CODE_REFUSED = "this code does not work: it may be wrong, used or expired"


class VerificationFailed(ValueError):
    """The code is wrong, used, expired or tried too often; deliberately one message."""


@dataclass(frozen=True)
class Asked:
    """What the requester sends; `details` and `recipient_url` are optional."""

    kind: str
    email: str
    details: str = ""
    recipient_url: str = ""


@dataclass(frozen=True)
class Received:
    request: DataRequest
    token: str  # lets the requester follow the request; shown once, stored as a hash
    code: str | None  # to mail; None when the address had too many codes this hour


def kinds_offered(policy: Policy) -> list[str]:
    offered: list[str] = [kind for kind in KINDS if kind in policy.rights.offered]
    if policy.children is not None and policy.children.parent_requests:
        offered.append(CHILD_ERASURE)
    return offered


def receive_request(
    session: Session,
    policy: Policy,
    asked: Asked,
    *,
    language: str,
    now: datetime,
    channel: str = "portal",
) -> Received:
    problems = _problems(policy, asked)
    if problems:
        raise RequestInvalid(problems)
    kind, address = asked.kind, validate_email(asked.email, check_deliverability=False).normalized
    token, code = secrets.token_urlsafe(24), f"{secrets.randbelow(10**6):06d}"
    index = email_index(session, address)
    request = DataRequest(
        id=uuid.uuid4(), kind=kind, email=address, email_index=index, language=language,
        status="unverified", received_at=now, token_hash=_hash(token),
        code_expires_at=now + CODE_LIFETIME, code_attempts=0, channel=channel,
        details=asked.details.strip() or None, recipient_url=asked.recipient_url.strip() or None,
    )  # fmt: skip
    request.code_hash = _code_hash(session, request.id, code)
    mail_code = _recent_requests(session, email_indexes(session, address), now) < MAILS_PER_HOUR
    session.add(request)
    record_event(session, request, "received", now)
    session.flush()
    return Received(request, token, code if mail_code else None)


def _problems(policy: Policy, asked: Asked) -> dict[str, str]:
    problems = {}
    if asked.kind not in kinds_offered(policy):
        problems["kind"] = f"one of {', '.join(kinds_offered(policy))}"
    try:
        validate_email(asked.email, check_deliverability=False)
    except EmailNotValidError:
        problems["email"] = "not a valid email address"
    if len(asked.details) > DETAILS_LENGTH:
        problems["details"] = f"at most {DETAILS_LENGTH} characters"
    if asked.recipient_url.strip():
        problems |= _recipient_problems(policy, asked)
    return problems


def _recipient_problems(policy: Policy, asked: Asked) -> dict[str, str]:
    if asked.kind != "portability" or not policy.rights.direct_transfer:
        return {"recipient_url": "only a portability request, where the policy offers it"}
    parts = urlsplit(asked.recipient_url.strip())
    if (
        parts.scheme != "https"
        or not parts.hostname
        or parts.username
        or len(asked.recipient_url) > URL_LENGTH
    ):
        return {"recipient_url": "an https:// address of the provider, without a password"}
    return {}


def _recent_requests(session: Session, indexes: list[str], now: datetime) -> int:
    query = select(func.count()).where(
        DataRequest.email_index.in_(indexes),
        DataRequest.status == "unverified",
        DataRequest.received_at > now - timedelta(hours=1),
    )
    return session.scalar(query) or 0


def staff_request(
    session: Session, policy: Policy, kind: str, email: str, *, language: str, now: datetime
) -> DataRequest:
    """A request received by post or phone: staff checked who asked, so it starts verified."""
    problems = _problems(policy, Asked(kind, email))
    if problems:
        raise RequestInvalid(problems)
    address = validate_email(email, check_deliverability=False).normalized
    subject = find_subject(session, address)
    request = DataRequest(
        id=uuid.uuid4(), kind=kind, email=address, email_index=email_index(session, address),
        language=language, status="open", received_at=now, verified_at=now,
        due_at=policy.rights.deadline.after(now), channel="staff",
        subject_id=subject.id if subject else None,
        token_hash=_hash(secrets.token_urlsafe(24)), code_attempts=0,
    )  # fmt: skip
    session.add(request)
    record_event(session, request, "received", now, note="by post or phone, entered by staff")
    return request


def find_request(session: Session, request_id: uuid.UUID, token: str) -> DataRequest | None:
    """The request, for whoever holds its token; None for a wrong id or token alike."""
    request = session.get(DataRequest, request_id)
    if request is None or not hmac.compare_digest(request.token_hash, _hash(token)):
        return None
    return request


def verify_request(
    session: Session,
    policy: Policy,
    request: DataRequest,
    code: str,
    now: datetime,
    *,
    visitor_id: uuid.UUID | None = None,
) -> DataRequest:
    """Mark the address proven: the deadline starts, and the request finds its subject.

    `visitor_id`, from the consent cookie of the browser that proved the address, links
    that browser's consent receipts to the person, for their export.
    """
    usable = (
        request.status == "unverified"
        and request.code_hash is not None
        and request.code_expires_at is not None
        and now < request.code_expires_at
        and request.code_attempts < CODE_ATTEMPTS
    )
    if not usable or not _code_matches(session, request, code.strip()):
        if request.status == "unverified":
            request.code_attempts += 1
        raise VerificationFailed(CODE_REFUSED)
    request.status, request.verified_at, request.code_hash = "open", now, None
    request.due_at = policy.rights.deadline.after(now)
    subject = find_subject(session, request.email)
    request.subject_id = subject.id if subject else None
    if subject is not None and visitor_id is not None:
        link_visitor(session, subject, visitor_id, now)
    record_event(session, request, "verified", now)
    return request


def extend_request(
    session: Session,
    policy: Policy,
    request: DataRequest,
    reason: str,
    *,
    now: datetime,
    staff_id: uuid.UUID | None = None,
) -> DataRequest:
    """Move the deadline by the policy's `rights.extension`, once, with a reason."""
    extension = policy.rights.extension
    if extension is None:
        raise RequestInvalid({"extension": "the policy allows no extension of the deadline"})
    if request.due_at is None or request.extension_reason is not None:
        raise RequestInvalid({"extension": "only a verified request, and only once"})
    if not reason.strip():
        raise RequestInvalid({"reason": "say why the request needs longer"})
    request.due_at = extension.after(request.due_at)
    request.extension_reason = reason.strip()[:500]
    record_event(
        session, request, "extended", now, staff_id=staff_id, note=request.extension_reason
    )
    return request


def request_queue(session: Session) -> list[DataRequest]:
    """Open requests, the most urgent first."""
    query = (
        select(DataRequest)
        .where(DataRequest.status == "open")
        .order_by(DataRequest.due_at, DataRequest.received_at)
    )
    return list(session.scalars(query))


def recently_closed(session: Session, limit: int = 20) -> list[DataRequest]:
    query = (
        select(DataRequest)
        .where(DataRequest.closed_at.is_not(None))
        .order_by(DataRequest.closed_at.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def is_overdue(request: DataRequest, now: datetime) -> bool:
    return request.status == "open" and request.due_at is not None and request.due_at < now


def history(session: Session, request_id: uuid.UUID) -> list[tuple[RequestEvent, str | None]]:
    """The request's steps in order, each with the email of the staff member who took it."""
    query = (
        select(RequestEvent, StaffUser.email)
        .outerjoin(StaffUser, StaffUser.id == RequestEvent.staff_id)
        .where(RequestEvent.request_id == request_id)
        .order_by(RequestEvent.at)
    )
    return [(event, email) for event, email in session.execute(query)]


def answer_lines(request: DataRequest) -> list[str]:
    """What the requester was told when the request closed; empty while it is open."""
    lines: list[str] = json.loads(request.outcome)["lines"] if request.outcome else []
    return lines


def record_event(
    session: Session,
    request: DataRequest,
    step: str,
    now: datetime,
    *,
    staff_id: uuid.UUID | None = None,
    note: str | None = None,
) -> None:
    """A step in the request's history; `note` is for staff and holds no personal data."""
    note = note[:500] if note else None
    session.add(
        RequestEvent(request_id=request.id, at=now, step=step, staff_id=staff_id, note=note)
    )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _code_hash(session: Session, request_id: uuid.UUID, code: str) -> str:
    # Keyed and bound to the request: a copy of the database does not let anyone try the
    # million six-digit codes offline, and a code of one request never opens another.
    keyring = keyring_of(session.get_bind().dialect)
    return keyring.sign(f"request code {request_id}:{code}")


def _code_matches(session: Session, request: DataRequest, code: str) -> bool:
    # Any key of the ring: a code mailed just before a key rotation still opens.
    keyring = keyring_of(session.get_bind().dialect)
    return keyring.verify(f"request code {request.id}:{code}", request.code_hash or "")
