"""RedirectResponse."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from asgi_responses._base import Response
from asgi_tasks import BackgroundTask

_SAFE = ":/%#?=@[]!$&'()*+,;"
# Schemes whose URL runs or renders content in the page that follows it.
_SCRIPT_SCHEMES = frozenset({"javascript", "data", "vbscript"})
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
# What a browser drops before it reads a URL's scheme (WHATWG URL: leading C0 controls and
# spaces, and tab, CR, LF anywhere), so "  java\tscript:" is read as "javascript:".
_STRIPPED_ANYWHERE = str.maketrans("", "", "\t\r\n")
_LEADING = "".join(chr(code) for code in range(0x21))


def script_scheme(url: str) -> str | None:
    """The script-capable scheme a browser would read in `url`, or None."""
    match = _SCHEME.match(url.translate(_STRIPPED_ANYWHERE).lstrip(_LEADING))
    scheme = match.group(1).lower() if match else None
    return scheme if scheme in _SCRIPT_SCHEMES else None


class RedirectResponse(Response):
    """A redirect (307 by default, so the method and body are kept) with a quoted Location.

    A URL with a script-capable scheme (`javascript:`, `data:`, `vbscript:`, however it is
    spelled or padded) is a ValueError: it is how an open redirect becomes script in the
    page. To send such a Location on purpose, set the header on a plain Response.
    """

    def __init__(
        self,
        url: Any,
        status_code: int = 307,
        headers: Mapping[str, str] | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        text = str(url)
        scheme = script_scheme(text)
        if scheme is not None:
            raise ValueError(f"Refusing to redirect to a {scheme}: URL, which can run script")
        super().__init__(
            content=b"", status_code=status_code, headers=headers, background=background
        )
        self.headers["location"] = quote(text, safe=_SAFE)
