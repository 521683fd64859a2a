"""Cookie header parsing that tolerates what browsers actually send."""

from __future__ import annotations

from http.cookies import _unquote

MAX_COOKIES = 1000  # beyond this, further pairs are ignored: parsing cost stays bounded


def parse_cookie_header(header: str) -> dict[str, str]:
    """`a=1; b="two"` as a dict. Never raises.

    Read the way browsers write `document.cookie`: every `;` ends a pair (even inside quotes),
    a pair without `=` is a value with an empty name, a pair with neither name nor value is
    skipped, and a repeated name keeps its last value (as Starlette and Django do).
    """
    cookies: dict[str, str] = {}
    for count, chunk in enumerate(header.split(";")):
        if count >= MAX_COOKIES:
            break
        key, sep, value = chunk.partition("=")
        if not sep:
            key, value = "", key
        key, value = key.strip(), value.strip()
        if key or value:
            cookies[key] = _unquote(value)
    return cookies
