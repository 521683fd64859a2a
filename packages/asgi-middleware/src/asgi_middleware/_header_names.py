"""Header names given as options, checked once at start-up."""

from __future__ import annotations

import re

# RFC 9110's token: what a field name may be made of. Anything else (a space, a colon, CR or
# LF) would break the header, or inject another, on every response.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def header_name_bytes(name: str) -> bytes:
    """`name` as ASGI carries header names (lower-case latin-1); ValueError if it isn't one."""
    if not isinstance(name, str) or _TOKEN.fullmatch(name) is None:
        raise ValueError(f"Not a header name: {name!r}")
    return name.lower().encode("latin-1")
