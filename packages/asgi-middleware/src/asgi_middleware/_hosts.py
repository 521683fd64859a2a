"""Reading the Host header of a scope: a host name or IP literal, and an optional port.

Anything else (a path, a query, userinfo, spaces) would move the authority or the path of a URL
built from it, so it is no host at all: `parse_host` answers None.
"""

from __future__ import annotations

import re
from ipaddress import AddressValueError, IPv6Address
from typing import NamedTuple

from asgi_protocol.types import Scope

# RFC 3986: a reg-name, or an IP-literal in brackets (IPv6, checked below, or IPvFuture).
_HOST = re.compile(
    r"(?P<host>[a-z0-9._~%!$&'()*+,;=-]+"
    r"|\[(?:(?P<ipv6>[a-f0-9]*:[a-f0-9.:]+)|(?-i:v)[a-f0-9]+\.[a-z0-9._~!$&'()*+,;=:-]+)\])"
    r"(?::(?P<port>[0-9]+))?",
    re.IGNORECASE,
)


class Host(NamedTuple):
    name: str  # as sent, brackets kept around IP literals
    port: int | None  # None when absent, or not a real port (over 65535)
    has_port: bool


def host_header(scope: Scope) -> str | None:
    for key, value in scope["headers"]:
        if key == b"host":
            host: str = value.decode("latin-1")
            return host
    return None


def parse_host(value: str | None) -> Host | None:
    """`example.com:8000` -> Host("example.com", 8000, True); None for junk."""
    if value is None:
        return None
    match = _HOST.fullmatch(value)
    if match is None:
        return None
    if match["ipv6"] is not None:
        try:
            IPv6Address(match["ipv6"])
        except AddressValueError:
            return None
    digits = match["port"]
    if digits is None:
        return Host(match["host"], None, False)
    port = int(digits)
    return Host(match["host"], port if port <= 65535 else None, True)
