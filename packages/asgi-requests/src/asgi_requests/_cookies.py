"""Cookie header parsing that tolerates what browsers actually send."""

from __future__ import annotations

from http.cookies import _unquote

MAX_COOKIES = 1000  # beyond this, further pairs are ignored: parsing cost stays bounded


def parse_cookie_header(header: str) -> dict[str, str]:
    """`a=1; b="two"` as a dict. Never raises.

    Pairs without `=` are taken as a value with an empty name (as browsers do); empty names
    are dropped; the first occurrence of a name wins (the most specific path comes first).
    """
    cookies: dict[str, str] = {}
    for count, chunk in enumerate(header.split(";")):
        if count >= MAX_COOKIES:
            break
        key, sep, value = chunk.partition("=")
        if not sep:
            key, value = "", key
        key, value = key.strip(), value.strip()
        if key and key not in cookies:
            cookies[key] = _unquote(value)
    return cookies
