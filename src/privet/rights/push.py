"""Sending a portability export straight to another provider (GDPR art. 20(2)).

The requester chooses the URL, so it is treated as an attack on the network privet runs
in (SSRF) until shown otherwise: HTTPS only, no credentials in it, and every address its
host resolves to must be public, unless the operator allowed the host by name. privet then
connects to the very addresses it checked, so a name that resolves elsewhere a moment later
(DNS rebinding) gains nothing, and it follows no redirect. The protocol, for recipients,
is in docs/export.md.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
DETAIL_LENGTH = 200
USER_AGENT = "privet (data portability, GDPR art. 20)"


@dataclass(frozen=True)
class PushOutcome:
    ok: bool
    status: int | None  # the recipient's HTTP status; None when no answer came
    detail: str  # for the officer: never the body, so never data the recipient echoes


class RecipientRefused(ValueError):
    """The URL may not receive an export; the message says why."""


@dataclass(frozen=True)
class _Recipient:
    host: str
    port: int
    target: str  # path and query, as the request line carries them
    addresses: tuple[str, ...]  # checked: the only ones privet connects to


def check_recipient(url: str, *, allowed_hosts: frozenset[str] = frozenset()) -> None:
    _recipient(url, allowed_hosts)


def push_export(
    url: str,
    document: Mapping[str, Any],
    *,
    allowed_hosts: frozenset[str] = frozenset(),
    ca_file: Path | None = None,
    timeout: float = 15,
) -> PushOutcome:
    """POST the document as JSON; RecipientRefused before any connection if the URL is not
    acceptable. `ca_file` is trusted besides the system's authorities (an intranet's own);
    `timeout` is in seconds, for connecting and for each read."""
    recipient = _recipient(url, allowed_hosts)
    body = json.dumps(document, ensure_ascii=False, allow_nan=False).encode()
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
    connection = _PinnedConnection(recipient, _tls_context(ca_file), timeout)
    try:
        connection.request("POST", recipient.target, body, headers)
        response = connection.getresponse()
    except (OSError, http.client.HTTPException) as error:
        return PushOutcome(ok=False, status=None, detail=_failure(error))
    finally:
        connection.close()  # the body is never read: nothing in it is for privet
    return _outcome(response.status, response.reason)


def _tls_context(ca_file: Path | None) -> ssl.SSLContext:
    # Added to the system's authorities, not instead: public recipients keep working.
    context = ssl.create_default_context()
    if ca_file is not None:
        context.load_verify_locations(cafile=ca_file)
    return context


def _recipient(url: str, allowed_hosts: frozenset[str]) -> _Recipient:
    # urlsplit silently drops tabs and newlines: refuse them, so the URL checked, logged
    # and shown to the officer is the one used.
    if any(character <= " " or character == "\x7f" for character in url):
        raise RecipientRefused("the URL contains spaces or control characters")
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise RecipientRefused("only an https URL can receive an export")
    if "@" in parts.netloc:
        raise RecipientRefused("the URL may not carry a user name or password")
    host, port = _host_and_port(parts)
    addresses = _resolve(host, port)
    if host not in {name.lower().rstrip(".") for name in allowed_hosts}:
        _refuse_private(addresses)
    return _Recipient(host, port, _target(parts), addresses)


def _host_and_port(parts: SplitResult) -> tuple[str, int]:
    host = (parts.hostname or "").rstrip(".")  # urlsplit lower-cases it
    if not host:
        raise RecipientRefused("the URL has no host")
    try:
        port = parts.port
    except ValueError:
        raise RecipientRefused("the URL's port is not a valid port number") from None
    return host, 443 if port is None else port


def _target(parts: SplitResult) -> str:
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


def _resolve(host: str, port: int) -> tuple[str, ...]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise RecipientRefused("the host does not resolve") from None
    return tuple(dict.fromkeys(str(info[4][0]) for info in found))


def _refuse_private(addresses: tuple[str, ...]) -> None:
    for address in addresses:
        if not _is_public(ipaddress.ip_address(address)):
            # Which address is not said: it would map the operator's network for a stranger.
            raise RecipientRefused("the host resolves to an address that is not public")


def _is_public(address: IPAddress) -> bool:
    special = (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast  # is_global alone lets 224.0.0.0/4 and ff00::/8 through
        or address.is_reserved
        or address.is_unspecified
    )
    return address.is_global and not special and all(map(_is_public, _embedded(address)))


def _embedded(address: IPAddress) -> list[IPAddress]:
    """The IPv4 addresses an IPv6 one carries (mapped, 6to4, Teredo): they must pass too."""
    if isinstance(address, ipaddress.IPv4Address):
        return []
    carried = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
    return [inner for inner in carried if inner is not None]


class _PinnedConnection(http.client.HTTPSConnection):
    """HTTPS to the recipient's name (SNI, certificate, Host header) at checked addresses."""

    def __init__(self, recipient: _Recipient, context: ssl.SSLContext, timeout: float) -> None:
        super().__init__(recipient.host, recipient.port, timeout=timeout, context=context)
        self.recipient, self.tls = recipient, context

    def connect(self) -> None:
        sock = _connect_any(self.recipient.addresses, self.recipient.port, self.timeout)
        try:
            self.sock = self.tls.wrap_socket(sock, server_hostname=self.recipient.host)
        except BaseException:
            sock.close()
            raise


def _connect_any(addresses: tuple[str, ...], port: int, timeout: float | None) -> socket.socket:
    """The first checked address that answers, as socket.create_connection would try them."""
    error = OSError("the host has no address")
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as failure:
            error = failure
    raise error


def _failure(error: Exception) -> str:
    # OpenSSL's reason is a fixed code (CERTIFICATE_VERIFY_FAILED); its message names hosts.
    if isinstance(error, ssl.SSLError):
        return f"TLS failed: {_printable(error.reason or type(error).__name__)}"
    if isinstance(error, TimeoutError):
        return "the recipient did not answer in time"
    return f"could not reach the recipient ({type(error).__name__})"


def _outcome(status: int, reason: str) -> PushOutcome:
    said = f"{status} {_printable(reason)}".strip()
    if status // 100 == 2:
        return PushOutcome(ok=True, status=status, detail=f"accepted: {said}")
    if status // 100 == 3:
        detail = f"the recipient redirected ({said}); redirects are not followed"
        return PushOutcome(ok=False, status=status, detail=detail)
    return PushOutcome(ok=False, status=status, detail=f"the recipient refused: {said}")


def _printable(text: str) -> str:
    return "".join(c for c in text if c.isascii() and c.isprintable())[:DETAIL_LENGTH]
