"""CORSMiddleware: answer preflights and add CORS headers, per the Fetch standard.

Everything that doesn't depend on the request (header bytes, method and header sets) is built
once in __init__; a request pays for a dict lookup and, when it carries an Origin, a few
appends to its response headers.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Sequence

from asgi_protocol.datastructures import MutableHeaders
from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send
from asgi_responses import PlainTextResponse, Response

ALL_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY")
SAFELISTED_HEADERS = frozenset({"accept", "accept-language", "content-language", "content-type"})


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
        methods = ALL_METHODS if "*" in allow_methods else tuple(m.upper() for m in allow_methods)
        self.allow_methods = frozenset(methods)
        self.allow_all_headers = "*" in allow_headers
        self.allow_headers = (
            frozenset(h.lower() for h in allow_headers if h != "*") | SAFELISTED_HEADERS
        )
        self.allow_credentials = allow_credentials
        self.allow_private_network = allow_private_network
        # With credentials a "*" answer is void for browsers, so the origin is echoed instead.
        self.echo_origin = not self.allow_all_origins or allow_credentials

        simple: list[tuple[bytes, bytes]] = []
        if allow_credentials:
            simple.append((b"access-control-allow-credentials", b"true"))
        if expose_headers:
            simple.append(
                (b"access-control-expose-headers", ", ".join(expose_headers).encode("latin-1"))
            )
        self.simple_headers = simple

        preflight = {
            "access-control-allow-methods": ", ".join(sorted(self.allow_methods)),
            "access-control-max-age": str(max_age),
        }
        if not self.allow_all_headers:
            preflight["access-control-allow-headers"] = ", ".join(sorted(self.allow_headers))
        if allow_credentials:
            preflight["access-control-allow-credentials"] = "true"
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
        if origin is None:  # not a CORS request: untouched
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS" and request_method is not None:
            response = self.preflight_response(scope, origin, request_method)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, self._simple_send(send, origin))

    def preflight_response(self, scope: Scope, origin: str, request_method: str) -> Response:
        headers = dict(self.preflight_headers)
        failures = []
        if not self.is_allowed_origin(origin):
            failures.append("origin")
        if request_method.upper() not in self.allow_methods:
            failures.append("method")
        requested_headers = ""
        private_network = False
        for key, value in scope["headers"]:
            if key == b"access-control-request-headers":
                requested_headers = value.decode("latin-1")
            elif key == b"access-control-request-private-network":
                private_network = value.strip().lower() == b"true"
        if self.allow_all_headers and requested_headers:
            headers["access-control-allow-headers"] = requested_headers
        elif requested_headers:
            asked = {h.strip().lower() for h in requested_headers.split(",") if h.strip()}
            if not asked <= self.allow_headers:
                failures.append("headers")
        if private_network and self.allow_private_network:
            headers["access-control-allow-private-network"] = "true"
        if self.echo_origin:
            headers["vary"] = "Origin"
            if "origin" not in failures:
                headers["access-control-allow-origin"] = origin
        else:
            headers["access-control-allow-origin"] = "*"
        if failures:
            return PlainTextResponse(f"Disallowed CORS {', '.join(failures)}", 400, headers)
        return PlainTextResponse("OK", 200, headers)

    def _simple_send(self, send: Send, origin: str) -> Send:
        allowed = self.is_allowed_origin(origin)

        # A plain function handing back `send`'s awaitable: no coroutine of its own per message.
        def cors_send(message: Message) -> Awaitable[None]:
            if message["type"] == "http.response.start":
                headers = message["headers"] = list(message.get("headers", ()))
                if allowed:
                    if self.echo_origin:
                        headers.append((b"access-control-allow-origin", origin.encode("latin-1")))
                    else:
                        headers.append((b"access-control-allow-origin", b"*"))
                    headers.extend(self.simple_headers)
                if self.echo_origin:
                    MutableHeaders(raw=headers).add_vary_header("Origin")
            return send(message)

        return cors_send
