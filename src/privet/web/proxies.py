"""Who the client is behind a reverse proxy: X-Forwarded-For, believed only from a proxy
PRIVET_TRUSTED_PROXIES lists. Anyone else could write any address there."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

from starlette.types import ASGIApp, Receive, Scope, Send

Network = IPv4Network | IPv6Network


class TrustedProxies:
    """Puts the client's own address in the ASGI scope, where every route reads it
    (`request.client`), when the connection comes from a trusted proxy."""

    def __init__(self, app: ASGIApp, proxies: tuple[Network, ...]) -> None:
        self.app, self.proxies = app, proxies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.proxies and scope.get("client"):
            peer = scope["client"][0]
            if self._trusted(peer):
                client = self._client(scope, peer)
                scope = dict(scope, client=(client, 0))
        await self.app(scope, receive, send)

    def _client(self, scope: Scope, peer: str) -> str:
        """The rightmost address not a trusted proxy's: each proxy appends what it saw, so
        addresses left of the first untrusted one may be made up by the client."""
        forwarded = b",".join(
            value for name, value in scope["headers"] if name == b"x-forwarded-for"
        ).decode("latin-1")
        for hop in reversed(forwarded.split(",")):
            address = _parsed(hop.strip())
            if address is None:
                break  # garbage: believe nothing further left
            if not self._trusted(str(address)):
                return str(address)
            peer = str(address)
        return peer

    def _trusted(self, address: str) -> bool:
        parsed = _parsed(address)
        return parsed is not None and any(parsed in network for network in self.proxies)


def _parsed(text: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(text)
    except ValueError:
        return None
