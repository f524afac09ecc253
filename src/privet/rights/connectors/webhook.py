"""Calling a processor's webhook: one signed POST per request, to `export` or `erase` a person.

privet sends, as compact UTF-8 JSON,

    {"action": "export" | "erase", "request_id": "...", "identity": {"email": "..."},
     "sent_at": "2026-11-23T12:00:00+00:00"}

with the header `Privet-Signature: t=<unix seconds>,v1=<hex>`, where `<hex>` is the
HMAC-SHA256, under the secret shared with the processor, of `<t>.` followed by the body's
exact bytes (the scheme Stripe uses for its webhooks). The processor recomputes it, compares
in constant time, and refuses a `t` more than five minutes from its own clock: an intercepted
call cannot be replayed later, nor its body changed. `request_id` is the same on every
retry, so the processor can tell a second call for the same request from a new one.

Any 2xx status is success; the answer is JSON or empty. To an export, the processor answers
`{"rows": {"<collection>": [{...}, ...]}}`; to an erasure, optionally
`{"changed": {"<collection>": <count>}, "kept": [{"collection", "field", "reason"}]}`.
Any other status, a redirect (not followed), an answer over 1 MiB or one that is not JSON is
a failure, reported in privet's own words: the answer is never quoted, since a careless
endpoint may echo the address back. The address goes only in the signed body, never in the
URL, a log line or an error.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import re
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from privet.policy.schema import webhook_url_problem
from privet.rights.connectors.erasure import Erasure, KeptField

Action = Literal["export", "erase"]
MAX_ANSWER_BYTES = 1024 * 1024
SIGNATURE_HEADER = "Privet-Signature"
USER_AGENT = "privet (data-subject requests)"
REASON_LENGTH = 500


@dataclass(frozen=True)
class WebhookAnswer:
    status: int | None  # the processor's HTTP status; None when no answer came
    body: Any  # the parsed JSON answer; None when empty or failed
    error: str | None = None


class UnexpectedAnswer(ValueError):
    """A 2xx answer whose JSON is not the shape the protocol gives; the message says which."""


def call_webhook(
    url: str,
    secret: bytes,
    action: Action,
    identity: Mapping[str, str],
    request_id: str,
    *,
    now: datetime,
    timeout: float = 10,
) -> WebhookAnswer:
    """POST the signed call; failures come back as an answer with `error` set, never raised.

    `timeout` is in seconds, for connecting and for each read of the answer.
    """
    problem = webhook_url_problem(url)
    if problem is not None:
        return WebhookAnswer(None, None, f"not called: {problem}")
    body = _body(action, identity, request_id, now)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature(secret, int(now.timestamp()), body),
    }
    # S310 fears file: and other schemes; webhook_url_problem allowed only https and http.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _opener().open(request, timeout=timeout) as response:
            status, raw = int(response.status), response.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as error:
        error.close()  # the body is never read: it is the processor's, not privet's, to quote
        return WebhookAnswer(error.code, None, _refusal(error.code))
    except (OSError, http.client.HTTPException) as error:
        return WebhookAnswer(None, None, _failure(error))
    return _answer(status, raw)


def signature(secret: bytes, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def exported_rows(body: Any) -> dict[str, list[dict[str, Any]]]:
    """The rows of an answer to `export`; an empty answer holds none."""
    rows = body.get("rows", {}) if isinstance(body, dict) else body
    if rows is None:
        return {}
    if not isinstance(rows, dict) or not all(
        isinstance(found, list) and all(isinstance(row, dict) for row in found)
        for found in rows.values()
    ):
        raise UnexpectedAnswer('the answer to export is not {"rows": {collection: [objects]}}')
    return {str(name): list(found) for name, found in rows.items()}


def reported_erasure(body: Any, identity: Mapping[str, str]) -> Erasure:
    """What the processor says it erased and kept; an empty answer says nothing.

    The reasons are stored with the request, which outlives the person's address: a reason
    that repeats it gets `[redacted]` in its place.
    """
    if body is None:
        return Erasure({}, ())
    changed = body.get("changed", {}) if isinstance(body, dict) else None
    kept = body.get("kept", []) if isinstance(body, dict) else None
    if not isinstance(changed, dict) or not all(
        isinstance(count, int) and not isinstance(count, bool) for count in changed.values()
    ):
        raise UnexpectedAnswer('"changed" in the answer to erase is not {collection: count}')
    if not isinstance(kept, list) or not all(_is_kept(item) for item in kept):
        raise UnexpectedAnswer('"kept" in the answer to erase is not [{collection, reason}]')
    return Erasure(
        {str(name): count for name, count in changed.items()},
        tuple(
            KeptField(
                item["collection"],
                str(item.get("field", "")),
                _redacted(item["reason"], identity)[:REASON_LENGTH],
            )
            for item in kept
        ),
    )


def _redacted(text: str, identity: Mapping[str, str]) -> str:
    for value in identity.values():
        text = re.sub(re.escape(value), "[redacted]", text, flags=re.IGNORECASE)
    return text


def _is_kept(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("collection"), str)
        and isinstance(item.get("reason"), str)
    )


def _body(action: Action, identity: Mapping[str, str], request_id: str, now: datetime) -> bytes:
    call = {
        "action": action,
        "request_id": request_id,
        "identity": dict(identity),
        "sent_at": now.isoformat(),
    }
    return json.dumps(call, ensure_ascii=False, separators=(",", ":")).encode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        # Followed, the signed call would go where the policy does not say: report it instead.
        return None


def _opener() -> urllib.request.OpenerDirector:
    # Proxy variables are not used, as for the portability push: the call goes where declared.
    return urllib.request.build_opener(
        _NoRedirect(),
        urllib.request.ProxyHandler({}),
        urllib.request.HTTPSHandler(context=ssl.create_default_context()),
    )


def _refusal(status: int) -> str:
    if status // 100 == 3:
        return f"the webhook redirected (HTTP {status}); redirects are not followed"
    return f"the webhook refused the call (HTTP {status})"


def _failure(error: Exception) -> str:
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if not isinstance(reason, BaseException):  # urllib's own words for a URL it cannot use
        reason = error
    # OpenSSL's reason is a fixed code (CERTIFICATE_VERIFY_FAILED); its message names hosts.
    if isinstance(reason, ssl.SSLError):
        return f"TLS failed: {reason.reason or type(reason).__name__}"
    if isinstance(reason, TimeoutError):
        return "the webhook did not answer in time"
    return f"could not reach the webhook ({type(reason).__name__})"


def _answer(status: int, raw: bytes) -> WebhookAnswer:
    if len(raw) > MAX_ANSWER_BYTES:
        return WebhookAnswer(status, None, "the answer is larger than 1 MiB")
    if not raw.strip():
        return WebhookAnswer(status, None)
    try:
        return WebhookAnswer(status, json.loads(raw))
    except (ValueError, RecursionError):
        return WebhookAnswer(status, None, "the answer is not JSON")
