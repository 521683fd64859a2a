"""Which host a request names: its Host header, else the server's address, else none.

The one rule for every package that matches a host or builds an absolute URL from a request.
A Host header counts only when it is a plain host[:port] (RFC 3986's authority without
userinfo); anything else (`evil.com/x?`, `a@b`, spaces, `[:::]`, a port over 65535) could move
the host or the path of a URL built from it. A malformed header is a client's junk, not a
reason to fail: the server's address stands in for it, as for a request without one.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from typing import NamedTuple

from asgi_protocol.types import Scope

# A registered name or IPv4 address, an [IPv6] literal (checked below) or a [vX.future]
# literal, then digits for the port. The `v` is lower case only: Python's urlsplit refuses
# `[V1.x]`, so a URL built on it could not be parsed back.
_HOST_HEADER = re.compile(
    r"(?P<host>[A-Za-z0-9._~%!$&'()*+,;=-]+"
    r"|\[(?P<ipv6>[0-9A-Fa-f]*:[0-9A-Fa-f.:]+)\]"
    r"|\[v[0-9A-Fa-f]+\.[A-Za-z0-9._~!$&'()*+,;=:-]+\])"
    r"(?::(?P<port>[0-9]+))?"
)
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
# An app serves a handful of hosts, so parsing a Host header is remembered: request.url costs
# a dictionary look-up, not a regex and a port check (timeit of request_authority: 0.46 µs
# instead of 1.7 µs). The cache is small and each value within the server's header size
# limit, so a stream of junk hosts can only evict, never grow it.
_REMEMBERED = 64


class Authority(NamedTuple):
    """A host to build URLs on: `host` keeps its case and an IP literal its brackets."""

    host: str
    port: int | None  # None when none was given
    netloc: str  # host[:port] as it goes into a URL


def host_header(scope: Scope) -> str | None:
    """The first Host header of the scope, None without one."""
    for key, value in scope.get("headers", ()):
        if key == b"host":
            host: str = value.decode("latin-1")
            return host
    return None


@lru_cache(maxsize=_REMEMBERED)
def parse_host_header(value: str | None) -> tuple[str, str | None] | None:
    """`(host, port)` of a Host header value, or None when it is malformed (or None).

    The port is the digits as sent (`"000080"`, `"65536"`): matching a host ignores the port,
    so only building a URL (`parse_authority`) needs it to be a real one.
    """
    match = None if value is None else _HOST_HEADER.fullmatch(value)
    if match is None:
        return None
    ipv6 = match["ipv6"]
    if ipv6 is not None:
        try:
            ipaddress.IPv6Address(ipv6)
        except ValueError:
            return None
    return match["host"], match["port"]


def _port_number(digits: str) -> int | None:
    """The port `digits` name, None over 65535; leading zeros are fine (`000080` is 80).

    Never `int()` on the digits alone: over 4300 of them, it raises.
    """
    if len(digits.lstrip("0")) > 5:
        return None
    port = int(digits)
    return port if port <= 65535 else None


@lru_cache(maxsize=_REMEMBERED)
def parse_authority(value: str | None) -> Authority | None:
    """A Host header value as the authority of a URL: well-formed, and any port a real one."""
    parsed = parse_host_header(value)
    if parsed is None or value is None:
        return None
    host, digits = parsed
    if digits is None:
        return Authority(host, None, value)
    port = _port_number(digits)
    return None if port is None else Authority(host, port, value)


def _server_authority(scope: Scope) -> Authority | None:
    """The server's address as an authority (its scheme's default port left out).

    None without one, or when it names no host: ASGI gives a unix socket as `[path, None]`.
    """
    server = scope.get("server")
    if server is None:
        return None
    name, port = server
    if ":" in name and not name.startswith("["):  # an IPv6 address
        name = f"[{name}]"
    parsed = parse_host_header(name)
    if parsed is None or parsed[1] is not None:
        return None
    if port is None or port == _DEFAULT_PORTS.get(scope.get("scheme", "http")):
        return Authority(name, port, name)
    return Authority(name, port, f"{name}:{port}")


def request_authority(scope: Scope) -> Authority | None:
    """Where absolute URLs for this request point: its Host header if usable, else the server.

    None when neither names a host (no usable Host header on a unix socket): then there is no
    absolute URL to build, and whoever needs one answers 400.
    """
    authority = parse_authority(host_header(scope))
    return authority if authority is not None else _server_authority(scope)


__all__ = [
    "Authority",
    "host_header",
    "parse_authority",
    "parse_host_header",
    "request_authority",
]
