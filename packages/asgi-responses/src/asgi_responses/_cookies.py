"""Set-Cookie header values, validated before they are sent."""

from __future__ import annotations

import http.cookies
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Literal

SameSite = Literal["lax", "strict", "none"]
_SAMESITE = ("lax", "strict", "none")


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
        else:
            morsel["expires"] = expires
    if path is not None:
        morsel["path"] = path
    if domain is not None:
        morsel["domain"] = domain
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
    if "\r" in output or "\n" in output or "\x00" in output:
        raise ValueError("Cookie attributes must not contain CR, LF or NUL")
    return output
