"""CORSMiddleware: answer preflights and add CORS headers, per the Fetch standard.

Everything that doesn't depend on the request (header bytes, method and header sets) is built
once in __init__; a request pays for a dict lookup and, when it carries an Origin, a few
appends to its response headers.

Every answer varies on Origin: even with `allow_origins=["*"]` a request without an Origin gets
no Access-Control-Allow-Origin, so a cache must not hand that answer to a cross-origin request.
A preflight also varies on the Access-Control-Request-* headers it was answered from.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Sequence

from asgi_protocol.datastructures import MutableHeaders
from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send
from asgi_responses import PlainTextResponse, Response

ALL_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY")
SAFELISTED_HEADERS = ("Accept", "Accept-Language", "Content-Language", "Content-Type")
PREFLIGHT_VARY = (
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network"
)

_VARY_ORIGIN = (b"vary", b"Origin")


def _header_list(configured: Sequence[str]) -> list[str]:
    """The safelisted headers and `configured`, once each (any case), sorted for the answer."""
    by_name: dict[str, str] = {h.lower(): h for h in SAFELISTED_HEADERS}
    for header in configured:
        by_name.setdefault(header.strip().lower(), header.strip())
    return sorted(by_name.values(), key=str.lower)


class CORSMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        allow_origins: Sequence[str] = (),
        allow_methods: Sequence[str] = ("GET",),
        allow_headers: Sequence[str] = (),
        allow_credentials: bool = False,
        allow_origin_regex: str | None = None,
        expose_headers: Sequence[str] = (),
        max_age: int = 600,
        allow_private_network: bool = False,
    ) -> None:
        self.app = app
        self.allow_all_origins = "*" in allow_origins
        self.allow_origins = frozenset(o for o in allow_origins if o != "*")
        self.allow_origin_regex = re.compile(allow_origin_regex) if allow_origin_regex else None
        methods = ALL_METHODS if "*" in allow_methods else tuple(allow_methods)
        self.allow_methods = frozenset(m.upper() for m in methods)
        self.allow_all_headers = "*" in allow_headers
        header_list = _header_list([h for h in allow_headers if h != "*"])
        self.allow_headers = frozenset(h.lower() for h in header_list)
        self.allow_credentials = allow_credentials
        self.allow_private_network = allow_private_network
        # With credentials a "*" answer is void for browsers, so the origin is echoed instead.
        self.echo_origin = not self.allow_all_origins or allow_credentials
        self.preflight_explicit_allow_origin = self.echo_origin  # Starlette's name for it

        # What a simple (non-preflight) answer gets besides the origin, as Starlette's attribute
        # spells it (code written for Starlette reads it: `response.headers.update(...)`)...
        self.simple_headers: dict[str, str] = {}
        if self.allow_all_origins:
            self.simple_headers["Access-Control-Allow-Origin"] = "*"
        if allow_credentials:
            self.simple_headers["Access-Control-Allow-Credentials"] = "true"
        if expose_headers:
            self.simple_headers["Access-Control-Expose-Headers"] = ", ".join(expose_headers)
        # ...and as raw pairs for our own answers, where an echoed origin replaces the "*".
        self._simple_raw = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in self.simple_headers.items()
            if not (self.echo_origin and name == "Access-Control-Allow-Origin")
        ]

        # Title-case names, as Starlette's attribute spells them (the answer's names are lower-case).
        preflight = {"Vary": PREFLIGHT_VARY}
        if not self.echo_origin:
            preflight["Access-Control-Allow-Origin"] = "*"
        preflight["Access-Control-Allow-Methods"] = ", ".join(methods)
        preflight["Access-Control-Max-Age"] = str(max_age)
        if not self.allow_all_headers:
            preflight["Access-Control-Allow-Headers"] = ", ".join(header_list)
        if allow_credentials:
            preflight["Access-Control-Allow-Credentials"] = "true"
        self.preflight_headers = preflight

    def is_allowed_origin(self, origin: str) -> bool:
        if origin in self.allow_origins:
            return True
        if self.allow_origin_regex is not None and self.allow_origin_regex.fullmatch(origin):
            return True
        # "*" covers every origin, but an opaque "null" origin only without credentials.
        return self.allow_all_origins and not (origin == "null" and self.allow_credentials)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = None
        request_method = None
        for key, value in scope["headers"]:
            if key == b"origin":
                origin = value.decode("latin-1")
            elif key == b"access-control-request-method":
                request_method = value.decode("latin-1")
        if origin is not None and request_method is not None and scope["method"] == "OPTIONS":
            response = self.preflight_response(scope, origin, request_method)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, self._simple_send(send, origin))

    def preflight_response(self, scope: Scope, origin: str, request_method: str) -> Response:
        headers = dict(self.preflight_headers)
        failures = []
        if not self.is_allowed_origin(origin):
            failures.append("origin")
        elif self.echo_origin:
            headers["Access-Control-Allow-Origin"] = origin
        if request_method.upper() not in self.allow_methods:
            failures.append("method")
        requested_headers = None
        private_network = False
        for key, value in scope["headers"]:
            if key == b"access-control-request-headers":
                requested_headers = value.decode("latin-1")
            elif key == b"access-control-request-private-network":
                private_network = True
        if self.allow_all_headers:
            if requested_headers is not None:
                headers["Access-Control-Allow-Headers"] = requested_headers
        elif requested_headers is not None:
            asked = {h.strip().lower() for h in requested_headers.split(",") if h.strip()}
            if not asked <= self.allow_headers:
                failures.append("headers")
        if private_network:
            if self.allow_private_network:
                headers["Access-Control-Allow-Private-Network"] = "true"
            else:
                failures.append("private-network")
        if failures:
            return PlainTextResponse(f"Disallowed CORS {', '.join(failures)}", 400, headers)
        return PlainTextResponse("OK", 200, headers)

    def _simple_send(self, send: Send, origin: str | None) -> Send:
        cors_headers: list[tuple[bytes, bytes]] = []
        if origin is not None and self.is_allowed_origin(origin):
            if self.echo_origin:
                cors_headers = [(b"access-control-allow-origin", origin.encode("latin-1"))]
                cors_headers.extend(self._simple_raw)
            else:
                cors_headers = self._simple_raw  # only read below

        # A plain function handing back `send`'s awaitable: no coroutine of its own per message.
        def cors_send(message: Message) -> Awaitable[None]:
            if message["type"] == "http.response.start":
                headers = message["headers"] = list(message.get("headers", ()))
                headers.extend(cors_headers)
                for key, _ in headers:
                    if key == b"vary":
                        MutableHeaders(raw=headers).add_vary_header("Origin")
                        break
                else:  # the common case, without the merge's cost
                    headers.append(_VARY_ORIGIN)
            return send(message)

        return cors_send


__all__ = ["CORSMiddleware"]
