"""Reading a Host header: its host and port, or nothing when it is not a plain authority."""

from __future__ import annotations

import ipaddress
import re

# RFC 3986's host[:port] without userinfo: a registered name or IPv4 address, an [IPv6]
# literal or a [vX.future] literal, then digits for the port. Anything else (`a@b`, `x/y`,
# spaces, `host:evil`) names no host we could route or build a URL for.
_HOST_HEADER = re.compile(
    r"(?P<host>[A-Za-z0-9._~%!$&'()*+,;=-]+"
    r"|\[(?P<ipv6>[0-9A-Fa-f:.]+)\]"
    r"|\[[vV][0-9A-Fa-f]+\.[A-Za-z0-9._~!$&'()*+,;=:-]+\])"
    r"(?::(?P<port>[0-9]+))?"
)


def parse_host_header(value: str) -> tuple[str, str | None] | None:
    """`(host, port)` of a Host header value, or None when it is malformed.

    The host keeps its case and an IP literal its brackets (`[::1]`); the port is the digits as
    sent (`"000080"`, `"65536"`): whether a port is acceptable is the caller's rule.
    """
    match = _HOST_HEADER.fullmatch(value)
    if match is None:
        return None
    ipv6 = match["ipv6"]
    if ipv6 is not None:
        try:
            ipaddress.IPv6Address(ipv6)
        except ValueError:
            return None
    return match["host"], match["port"]


__all__ = ["parse_host_header"]
