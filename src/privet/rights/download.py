"""The export's download link: signed, expiring, and carrying no personal data.

The link names the archive by its random id and says until when it works; a MAC over both
means nobody can stretch the date or guess another archive. It is mailed only to the
address the requester proved, and the archive itself is deleted when the link expires.
"""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from privet.rights.models import RequestExport
from privet.store.crypto import Keyring

LINK_LIFETIME = timedelta(days=7)


def store_archive(
    session: Session, request_id: uuid.UUID, archive: bytes, now: datetime
) -> RequestExport:
    sealed = base64.b64encode(archive).decode("ascii")
    export = RequestExport(
        id=uuid.uuid4(), request_id=request_id, created_at=now,
        expires_at=now + LINK_LIFETIME, archive=sealed,
    )  # fmt: skip
    session.add(export)
    return export


def download_link(keyring: Keyring, base_url: str, export: RequestExport) -> str:
    expires = int(export.expires_at.timestamp())
    signature = keyring.sign(_message(export.id, expires))
    return f"{base_url.rstrip('/')}/privacy/exports/{export.id}?expires={expires}&sig={signature}"


def open_archive(
    session: Session, keyring: Keyring, export_id: uuid.UUID, expires: int, signature: str,
    *, now: datetime,
) -> bytes | None:  # fmt: skip
    """The archive, if the link is genuine and unexpired; None for any other case alike."""
    if not keyring.verify(_message(export_id, expires), signature):
        return None
    export = session.get(RequestExport, export_id)
    if export is None or now >= min(export.expires_at, datetime.fromtimestamp(expires, UTC)):
        return None
    export.downloaded_at = export.downloaded_at or now
    return base64.b64decode(export.archive)


def delete_expired(session: Session, now: datetime) -> int:
    deleted = session.connection().execute(
        delete(RequestExport).where(RequestExport.expires_at <= now)
    )
    return deleted.rowcount


def _message(export_id: uuid.UUID, expires: int) -> str:
    return f"export {export_id}:{expires}"
