"""Carrying a verified request out, and answering the requester.

Each kind does its work in privet's store and in the connected systems the policy
declares, then answers by mail and closes the request. Calls to other systems run with
no transaction of ours open, so a slow processor never holds the database. When one of
them fails, the request stays open with the failure in its history: officers see it in
the queue and carry it out again (every step is idempotent), before the deadline.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from privet.auditlog import service as auditlog
from privet.backup.ledger import ErasureLedger
from privet.config import Settings
from privet.notify.service import queue_email
from privet.policy.schema import Policy
from privet.rights import actions
from privet.rights.archive import SubjectExport, build_archive, export_document
from privet.rights.download import LINK_LIFETIME, download_link, store_archive
from privet.rights.erase import erase_subject, kept_categories, was_erased_meanwhile
from privet.rights.gather import gather
from privet.rights.models import DataRequest
from privet.rights.push import RecipientRefused, push_export
from privet.rights.service import (
    CHILD_ERASURE,
    RequestInvalid,
    VerificationFailed,
    find_request,
    record_event,
    verify_request,
)
from privet.rights.systems import SystemResult, collect_from_systems, erase_in_systems
from privet.rights.wording import words
from privet.store.open import Store
from privet.subjects.service import find_subject

log = logging.getLogger(__name__)

# Kinds that always wait for an officer, whatever the policy says: a correction needs the
# right values, and a parent's request needs their authority checked.
ALWAYS_REVIEWED = frozenset({"rectification", CHILD_ERASURE})


@dataclass(frozen=True)
class Context:
    """What carrying out needs beyond the store: read from the app's settings."""

    policy: Policy
    policy_path: Path
    base_url: str
    now: datetime
    ledger: ErasureLedger
    push_allowed_hosts: frozenset[str] = frozenset()
    push_ca_file: Path | None = None

    @classmethod
    def of(cls, policy: Policy, settings: Settings, now: datetime) -> Context:
        return cls(
            policy, settings.policy, settings.base_url, now,
            ErasureLedger(settings.erasure_ledger), settings.push_allowed_hosts,
            settings.push_ca_file,
        )  # fmt: skip


@dataclass
class Answer:
    """The lines the requester reads, and whether the request may close."""

    lines: list[str] = field(default_factory=list)
    kept: list[dict[str, str]] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def needs_review(policy: Policy, kind: str) -> bool:
    return kind in ALWAYS_REVIEWED or kind in policy.rights.review


def carry_out(
    store: Store, context: Context, request_id: uuid.UUID, staff_id: uuid.UUID | None = None
) -> str:
    """Do what the request asks; its status afterwards (`done`, or `open` after a failure)."""
    with store.transaction() as session:
        request = _open_request(session, request_id)
        kind, email, language = request.kind, request.email, request.language
        if kind == "rectification":
            raise RequestInvalid({"kind": "an officer approves the corrected values"})
        record_event(session, request, "carrying_out", context.now, staff_id=staff_id)
        actor = _actor(request, staff_id)
    if kind in ("access", "portability"):
        answer = _export(store, context, request_id, email, actor)
    elif kind in ("erasure", CHILD_ERASURE):
        answer = _erase(store, context, request_id, email, language, actor=actor)
    else:
        answer = _mark(store, context, request_id, email, language, actor=actor)
    with store.transaction() as session:
        return _finish(
            session, context, _open_request(session, request_id), answer, staff_id=staff_id
        )


def prove_address(
    store: Store, context: Context, request_id: uuid.UUID, *, token: str, code: str,
    visitor_id: uuid.UUID | None,
) -> Literal["unknown", "refused", "verified"]:  # fmt: skip
    """Check the mailed code, then carry the request out unless an officer must approve it
    first. A refused code is committed before it is reported, so the failed attempt counts."""
    with store.transaction() as session:
        found = find_request(session, request_id, token)
        if found is None:
            return "unknown"
        try:
            verify_request(session, context.policy, found, code, context.now,
                           visitor_id=visitor_id)  # fmt: skip
        except VerificationFailed:
            return "refused"
        kind = found.kind
    if not needs_review(context.policy, kind):
        _carry_out_for_requester(store, context, request_id)
    return "verified"


def _carry_out_for_requester(store: Store, context: Context, request_id: uuid.UUID) -> None:
    """Carry the request out right after the address is proven. A failure is never the
    requester's problem: it is logged and put in the request's history, and the request
    waits in the officers' queue."""
    try:
        carry_out(store, context, request_id)
    except Exception as error:  # the answer to the requester must not become a 500
        log.error(
            "request_failed", extra={"request": str(request_id), "error": type(error).__name__}
        )
        with store.transaction() as session:
            request = session.get_one(DataRequest, request_id)
            record_event(session, request, "failed", context.now, note=type(error).__name__)


def rectify(
    store: Store, context: Context, request_id: uuid.UUID, corrected: Mapping[str, str],
    staff_id: uuid.UUID,
) -> list[str]:  # fmt: skip
    """Apply the values an officer approved, answer, close; the names of the changed values."""
    with store.transaction() as session:
        request = _open_request(session, request_id)
        subject = find_subject(session, request.email)
        if subject is None:
            raise RequestInvalid({"request": "privet holds nothing about this address"})
        changed = actions.rectify(session, subject, corrected)
        auditlog.record(session, staff_id, "rectify", context.now, target=("request", request_id),
                        details={"fields": len(changed)})  # fmt: skip
        record_event(
            session, request, "rectified", context.now, staff_id=staff_id, note=", ".join(changed)
        )
        said = words(request.language)
        _finish(
            session, context, request, Answer([said["answer_rectification"]]), staff_id=staff_id
        )
    return changed


def refuse(
    store: Store, context: Context, request_id: uuid.UUID, reason: str, staff_id: uuid.UUID
) -> None:
    """Close the request unanswered, with the reason the requester is told (art. 12(4))."""
    if not reason.strip():
        raise RequestInvalid({"reason": "say why: the requester is told"})
    with store.transaction() as session:
        request = _open_request(session, request_id)
        line = words(request.language)["answer_refused"].format(reason=reason.strip()[:500])
        auditlog.record(session, staff_id, "refuse", context.now, target=("request", request_id))
        _finish(session, context, request, Answer([line]), staff_id=staff_id, status="refused")


def _actor(request: DataRequest, staff_id: uuid.UUID | None) -> auditlog.Actor:
    # With no officer signed in, a request staff took by post or phone was carried out
    # from the shell (`privet export`, `privet erase`); any other by privet itself, as
    # soon as the requester proved their address.
    if staff_id is not None:
        return staff_id
    return auditlog.SHELL if request.channel == "staff" else auditlog.AUTOMATIC


def _export(
    store: Store, context: Context, request_id: uuid.UUID, email: str, actor: auditlog.Actor
) -> Answer:
    with store.transaction() as session:
        request = _open_request(session, request_id)
        subject = find_subject(session, email)
        records = gather(session, subject) if subject else {}
        kind, language, recipient = request.kind, request.language, request.recipient_url
    results = collect_from_systems(
        context.policy, context.policy_path, email, request_id=str(request_id), now=context.now
    )
    said, answer = words(language), _failures(results)
    export = SubjectExport(
        generated_at=context.now, request_id=str(request_id), kind=kind, language=language,
        controller=_controller(context.policy), email=email, records=records,
        systems={result.name: result.rows for result in results if result.error is None},
    )  # fmt: skip
    with store.transaction() as session:
        request = _open_request(session, request_id)
        stored = store_archive(session, request_id, build_archive(export), context.now)
        until = (context.now + LINK_LIFETIME).date().isoformat()
        link = download_link(store.keyring, context.base_url, stored)
        answer.lines.append(said["answer_access"].format(until=until, link=link))
        record_event(session, request, "exported", context.now)
        auditlog.record(session, actor, "export", context.now, target=("request", request_id),
                        details={"kind": kind, "systems": len(export.systems)})  # fmt: skip
    if recipient and kind == "portability":
        answer.lines.append(
            _push(store, context, request_id, recipient=recipient, export=export, said=said)
        )
    return answer


def _push(
    store: Store, context: Context, request_id: uuid.UUID, *, recipient: str,
    export: SubjectExport, said: Mapping[str, str],
) -> str:  # fmt: skip
    host = urlsplit(recipient).hostname or "?"
    try:
        outcome = push_export(
            recipient, export_document(export), allowed_hosts=context.push_allowed_hosts,
            ca_file=context.push_ca_file,
        )  # fmt: skip
        ok, note = outcome.ok, f"{host}: {outcome.detail}"
    except RecipientRefused as refused:
        ok, note = False, f"{host}: {refused}"
    with store.transaction() as session:
        step = "pushed" if ok else "push_failed"
        record_event(session, _open_request(session, request_id), step, context.now, note=note)
    return said["answer_pushed" if ok else "answer_push_failed"].format(host=host)


def _erase(
    store: Store, context: Context, request_id: uuid.UUID, email: str, language: str, *,
    actor: auditlog.Actor,
) -> Answer:  # fmt: skip
    results = erase_in_systems(
        context.policy, context.policy_path, email,
        kept_categories=kept_categories(context.policy), request_id=str(request_id),
        now=context.now,
    )  # fmt: skip
    said, answer = words(language), _failures(results)
    with store.transaction() as session:
        erased = erase_subject(
            session, context.policy, email, ledger=context.ledger, language=language,
            now=context.now, keep_request=request_id,
        )  # fmt: skip
        record_event(session, _open_request(session, request_id), "erased", context.now,
                     note=_counts(erased.deleted, results))  # fmt: skip
        auditlog.record(session, actor, "erase", context.now, target=("request", request_id),
                        details={"deleted": erased.deleted, "kept": len(erased.kept)})  # fmt: skip
    held = erased.deleted or any(any(result.changed.values()) for result in results)
    answer.lines.append(said["answer_erasure" if held or erased.kept else "answer_nothing"])
    for kept in erased.kept:
        answer.kept.append({"record": kept.record, "reason": kept.reason, "until": kept.until})
        answer.lines.append(said["answer_kept"].format(**answer.kept[-1]))
    for result in results:
        answer.kept.extend(
            {"record": f"{result.name}.{kept.collection}", "reason": kept.reason, "until": ""}
            for kept in result.kept
        )
    if erased.receipts_unlinked:
        answer.lines.append(said["answer_receipts"])
    return answer


def _mark(
    store: Store, context: Context, request_id: uuid.UUID, email: str, language: str, *,
    actor: auditlog.Actor,
) -> Answer:  # fmt: skip
    with store.transaction() as session:
        kind = session.get_one(DataRequest, request_id).kind
        if kind == "objection":
            actions.object_to_marketing(session, email, context.now, ledger=context.ledger)
            found = True  # the address is suppressed even when privet holds nothing
        else:
            found = actions.restrict(session, email, context.now)
        action = "object" if kind == "objection" else "restrict"
        auditlog.record(session, actor, action, context.now, target=("request", request_id),
                        details={"found": found})  # fmt: skip
    said = words(language)
    return Answer([said[f"answer_{kind}" if found else "answer_nothing"]])


def _finish(
    session: Session, context: Context, request: DataRequest, answer: Answer, *,
    staff_id: uuid.UUID | None, status: str = "done",
) -> str:  # fmt: skip
    if answer.failed:
        for failure in answer.failed:
            record_event(
                session, request, "system_failed", context.now, staff_id=staff_id, note=failure
            )
        return request.status
    said = words(request.language)
    body = said["answer_body"].format(
        controller=context.policy.controller.name, kind=said[request.kind],
        answer="\n\n".join(answer.lines),
    )  # fmt: skip
    # Tied to no subject, so an erasure's own answer outlives the person's records; then
    # forgotten once sent, as the person asked. So is the answer to a request the person
    # was erased during: it kept the address only to be answered (rights/erase.py).
    erased = request.kind in ("erasure", CHILD_ERASURE) or was_erased_meanwhile(session, request.id)
    queue_email(
        session, request.email, said["answer_subject"], body, context.now,
        subject_id=None if erased else request.subject_id, forget_when_sent=erased,
    )  # fmt: skip
    request.status, request.closed_at = status, context.now
    request.outcome = json.dumps({"lines": answer.lines, "kept": answer.kept})
    if erased:
        request.email = ""  # the last copy of the address, now that the answer is queued
    record_event(session, request, status, context.now, staff_id=staff_id)
    return status


def _open_request(session: Session, request_id: uuid.UUID) -> DataRequest:
    request = session.get(DataRequest, request_id)
    if request is None or request.status != "open":
        raise RequestInvalid({"request": "only an open, verified request can be carried out"})
    return request


def _failures(results: list[SystemResult]) -> Answer:
    # Only the system's name and privet's own words: a driver's message may quote values.
    return Answer(failed=[f"{r.name}: {r.error}" for r in results if r.error is not None])


def _counts(deleted: Mapping[str, int], results: list[SystemResult]) -> str:
    parts = [f"{table} {count}" for table, count in sorted(deleted.items())]
    for result in results:
        parts += [f"{result.name}.{name} {count}" for name, count in result.changed.items()]
    return ", ".join(parts)[:500] or "nothing held"


def _controller(policy: Policy) -> dict[str, Any]:
    controller = policy.controller
    return {"name": controller.name, "email": controller.email}
