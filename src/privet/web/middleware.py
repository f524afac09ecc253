"""Security headers, an access log that names routes not people, body limits, and CORS."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("privet.access")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "cross-origin-opener-policy": "same-origin",
}


class SecurityHeaders:
    def __init__(self, app: ASGIApp, hsts: bool) -> None:
        self.app, self.hsts = app, hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if self.hsts:
                    headers.setdefault("strict-transport-security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, send_with_headers)


# Told of each request answered: method, route template, status (the request counter).
Observer = Callable[[str, str, int], None]


def route_template(scope: Scope) -> str:
    """The matched route as declared ("/api/v1/consents/{receipt_id}"), never the raw path.

    FastAPI 0.165 keeps an included router's routes without its prefix and notes the full
    path in scope["fastapi"]["effective_route_context"]; older versions copy the route,
    prefix and all. A mount (/static) names only its root path."""
    context = (scope.get("fastapi") or {}).get("effective_route_context")
    path = getattr(context, "path", None) or getattr(scope.get("route"), "path", None)
    return str(path or scope.get("root_path") or "unmatched")


class AccessLog:
    """One line a request: method, route template, status, duration.

    Deliberately not the client address (personal data), the raw path or the query string
    (either may carry a token or an address).
    """

    def __init__(self, app: ASGIApp, on_request: Observer | None = None) -> None:
        self.app, self.on_request = app, on_request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            route = route_template(scope)
            if self.on_request is not None:
                self.on_request(scope["method"], route, status)
            log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "route": route,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )


class BodyLimit:
    """Refuse a request body over its route's limit with 413, before the route reads it.

    A declared Content-Length over the limit is refused at once (the server holds the body
    to that length). A chunked body, which declares none, is read here up to the limit,
    then handed on: only bodies the limit allows are ever held in memory.
    """

    def __init__(self, app: ASGIApp, default: int, limits: dict[str, int]) -> None:
        self.app, self.default, self.limits = app, default, limits

    def _limit_for(self, path: str) -> int:
        for prefix, limit in self.limits.items():
            if path.startswith(prefix):
                return limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit_for(scope["path"])
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"")
        if declared.isdigit():
            if int(declared) > limit:
                await _too_large(send, limit)
                return
            await self.app(scope, receive, send)
        elif b"chunked" in headers.get(b"transfer-encoding", b""):
            body = await _read_at_most(receive, limit)
            if body is None:
                await _too_large(send, limit)
                return
            await self.app(scope, _replay(body, receive), send)
        else:
            await self.app(scope, receive, send)


async def _read_at_most(receive: Receive, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body read already, then whatever the connection says next (a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps(
        {"error": {"code": "body_too_large", "message": f"the body is over {limit} bytes"}}
    ).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class PublicCors:
    """Let the operator's website call privet's public endpoints from its pages.

    Only the routes a visitor's browser calls (consents, forms) answer cross-origin, only
    to the origins given, and never with credentials: staff routes stay same-origin.
    """

    def __init__(self, app: ASGIApp, origins: list[str], prefixes: tuple[str, ...]) -> None:
        self.app, self.prefixes = app, prefixes
        self.cors = CORSMiddleware(
            app,
            allow_origins=origins,
            allow_methods=["GET", "POST"],
            allow_headers=["content-type"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        public = scope["type"] == "http" and scope["path"].startswith(self.prefixes)
        await (self.cors if public else self.app)(scope, receive, send)
