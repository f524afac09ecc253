"""An IP address reduced to its country, offline: the address itself is never kept.

The database ships inside geoip2fast (no network, no account); it is loaded once, on
first use, in about a tenth of a second.
"""

from __future__ import annotations

import functools
import ipaddress

from geoip2fast import GeoIP2Fast


@functools.cache
def _database() -> GeoIP2Fast:
    return GeoIP2Fast()


def country_of(address: str | None) -> str | None:
    """The ISO 3166 code of the country `address` is in, or None (private, unknown, bad)."""
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if not ip.is_global:
        return None
    code = _database().lookup(str(ip)).country_code
    return code if isinstance(code, str) and len(code) == 2 and code.isalpha() else None
