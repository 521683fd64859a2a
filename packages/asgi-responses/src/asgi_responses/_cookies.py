"""Set-Cookie header values, validated before they are sent."""

from __future__ import annotations

import http.cookies
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Literal

SameSite = Literal["lax", "strict", "none"]
_SAMESITE = ("lax", "strict", "none")
_CONTROL = frozenset(chr(code) for code in [*range(0x20), 0x7F])


def _attribute(name: str, value: str, also_refused: str = "") -> str:
    """`value` if it can only be read as that one attribute's value (RFC 6265 section 4.1.1).

    A `;` would end the attribute and start another one the caller never asked for, and a
    control character ends or corrupts the header; a domain is a host name, so `,` and spaces
    are refused there too.
    """
    bad = {char for char in value if char in _CONTROL or char == ";" or char in also_refused}
    if bad:
        shown = ", ".join(sorted(repr(char) for char in bad))
        raise ValueError(f"Cookie {name} {value!r} holds {shown}, which would change the header")
    return value


def cookie_header_value(
    key: str,
    value: str = "",
    max_age: int | None = None,
    expires: datetime | str | int | None = None,
    path: str | None = "/",
    domain: str | None = None,
    secure: bool = False,
    httponly: bool = False,
    samesite: SameSite | None = "lax",
    partitioned: bool = False,
) -> str:
    """The value of one Set-Cookie header. Bad attributes raise ValueError, naming the attribute."""
    cookie: http.cookies.BaseCookie[str] = http.cookies.SimpleCookie()
    try:
        cookie[key] = value
    except http.cookies.CookieError as exc:
        raise ValueError(f"Invalid cookie name {key!r}: {exc}") from None
    morsel = cookie[key]
    if max_age is not None:
        morsel["max-age"] = int(max_age)
    if expires is not None:
        if isinstance(expires, datetime):
            if expires.tzinfo is None:
                raise ValueError("Cookie expires must be a timezone-aware datetime")
            # Cookie dates are GMT; an aware datetime in any zone names the same instant.
            morsel["expires"] = format_datetime(expires.astimezone(UTC), usegmt=True)
        elif isinstance(expires, str):
            morsel["expires"] = _attribute("expires", expires)
        else:
            morsel["expires"] = expires
    if path is not None:
        morsel["path"] = _attribute("path", path)
    if domain is not None:
        morsel["domain"] = _attribute("domain", domain, also_refused=", ")
    if secure:
        morsel["secure"] = True
    if httponly:
        morsel["httponly"] = True
    if samesite is not None:
        if samesite.lower() not in _SAMESITE:
            raise ValueError(f"samesite must be one of 'strict', 'lax' or 'none', not {samesite!r}")
        morsel["samesite"] = samesite
    output = morsel.OutputString()
    if partitioned:  # CHIPS; http.cookies knows the attribute only from Python 3.14
        output += "; Partitioned"
    # No CR, LF or NUL can remain: the name and value are checked or quoted by http.cookies,
    # every free-text attribute by _attribute, and the rest are numbers, flags or a fixed word.
    return output
