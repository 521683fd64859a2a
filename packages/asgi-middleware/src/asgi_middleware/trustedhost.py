"""TrustedHostMiddleware: refuse requests for hosts this app doesn't serve (Host header attacks)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from asgi_middleware._hosts import host_header, strip_port
from asgi_protocol.datastructures import URL
from asgi_protocol.types import ASGIApp, Receive, Scope, Send
from asgi_responses import PlainTextResponse, RedirectResponse

# A host name or bracketed IPv6 literal, with an optional numeric port: anything else is junk.
_VALID = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


class TrustedHostMiddleware:
    def __init__(
        self, app: ASGIApp, allowed_hosts: Sequence[str] = ("*",), www_redirect: bool = True
    ) -> None:
        for pattern in allowed_hosts:
            if "*" in pattern[1:]:
                raise ValueError(
                    f"Domain wildcard patterns must be like '*.example.com', not {pattern!r}"
                )
        self.app = app
        self.allow_any = "*" in allowed_hosts
        self.exact = frozenset(h.lower() for h in allowed_hosts if not h.startswith("*"))
        self.suffixes = tuple(h[1:].lower() for h in allowed_hosts if h.startswith("*."))
        self.www_redirect = www_redirect

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.allow_any or scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        raw = host_header(scope)
        host = strip_port(raw).lower() if raw is not None and _VALID.fullmatch(raw) else None
        if host is not None and (host in self.exact or host.endswith(self.suffixes)):
            await self.app(scope, receive, send)
            return
        if self.www_redirect and host is not None and f"www.{host}" in self.exact:
            url = URL(scope=scope)
            redirect = url.replace(netloc="www." + url.netloc)
            response: PlainTextResponse | RedirectResponse = RedirectResponse(str(redirect))
        else:
            response = PlainTextResponse("Invalid host header", status_code=400)
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": "Invalid host header"})
            return
        await response(scope, receive, send)
