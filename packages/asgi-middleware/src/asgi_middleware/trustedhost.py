"""TrustedHostMiddleware: refuse requests for hosts this app doesn't serve (Host header attacks)."""

from __future__ import annotations

from collections.abc import Sequence

from asgi_protocol.datastructures import URL
from asgi_protocol.hosts import host_header, parse_authority, parse_host_header
from asgi_protocol.types import ASGIApp, Receive, Scope, Send
from asgi_responses import PlainTextResponse, RedirectResponse


class TrustedHostMiddleware:
    """Only the `allowed_hosts` (`"*.example.com"` covers subdomains; ports don't matter).

    With `www_redirect`, a request for `example.com` is sent to `www.example.com` when only the
    latter is allowed.
    """

    def __init__(
        self,
        app: ASGIApp,
        allowed_hosts: Sequence[str] | None = None,
        www_redirect: bool = True,
    ) -> None:
        if allowed_hosts is None:
            allowed_hosts = ["*"]
        if isinstance(allowed_hosts, str):
            raise TypeError("allowed_hosts must be a sequence of host names, not a str")
        for pattern in allowed_hosts:
            wildcard = pattern.startswith("*") and pattern != "*"
            if "*" in pattern[1:] or (wildcard and not pattern.startswith("*.")):
                raise ValueError(
                    f"Domain wildcard patterns must be like '*.example.com', not {pattern!r}"
                )
        self.app = app
        self.allowed_hosts = [pattern.lower() for pattern in allowed_hosts]
        self.allow_any = "*" in self.allowed_hosts
        self.exact = frozenset(h for h in self.allowed_hosts if not h.startswith("*"))
        self.suffixes = tuple(h[1:] for h in self.allowed_hosts if h.startswith("*."))
        self.www_redirect = www_redirect

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.allow_any or scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        value = host_header(scope)
        parsed = parse_host_header(value)
        host = None if parsed is None else parsed[0].lower()
        if host is not None and (host in self.exact or host.endswith(self.suffixes)):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": "Invalid host header"})
            return
        response: PlainTextResponse | RedirectResponse
        authority = parse_authority(value)
        if self.www_redirect and authority is not None and f"www.{host}" in self.exact:
            # Only a Host header with a real port names where to go: not the server's address.
            url = URL(scope=scope)
            response = RedirectResponse(str(url.replace(netloc="www." + authority.netloc)))
        else:
            response = PlainTextResponse("Invalid host header", status_code=400)
        await response(scope, receive, send)


__all__ = ["TrustedHostMiddleware"]
