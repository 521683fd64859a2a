"""AuthenticationMiddleware: ask a backend who the connection is, once, before the app runs."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

from asgi_middleware._close import policy_close
from asgi_middleware.exceptions import AuthenticationError
from asgi_middleware.identity import AuthCredentials, AuthenticationBackend, UnauthenticatedUser
from asgi_protocol.types import ASGIApp, Receive, Scope, Send
from asgi_requests import HTTPConnection
from asgi_responses import PlainTextResponse, Response

ErrorHandler = Callable[[HTTPConnection, AuthenticationError], Response | Awaitable[Response]]


class AuthenticationMiddleware:
    """Sets `scope["auth"]` (AuthCredentials) and `scope["user"]` for HTTP and WebSocket.

    A backend returning None means anonymous: empty credentials and an UnauthenticatedUser.
    A backend raising AuthenticationError refuses the connection: `on_error(conn, exc)` answers
    HTTP (default: 400 with the error's text), a WebSocket is closed with 1008 and the text.
    """

    def __init__(
        self,
        app: ASGIApp,
        backend: AuthenticationBackend,
        on_error: ErrorHandler | None = None,
    ) -> None:
        self.app = app
        self.backend = backend
        self.on_error: ErrorHandler = on_error or self.default_on_error

    @staticmethod
    def default_on_error(conn: HTTPConnection, exc: AuthenticationError) -> Response:
        """400 with the error's text; a subclass may override it (as in Starlette)."""
        return PlainTextResponse(str(exc), status_code=400)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        try:
            result = await self.backend.authenticate(conn)
        except AuthenticationError as exc:
            await self.refuse(conn, exc, receive, send)
            return
        if result is None:
            result = AuthCredentials(), UnauthenticatedUser()
        scope["auth"], scope["user"] = result
        await self.app(scope, receive, send)

    async def refuse(
        self, conn: HTTPConnection, exc: AuthenticationError, receive: Receive, send: Send
    ) -> None:
        if conn.scope["type"] == "websocket":
            await send(policy_close(str(exc)))
            return
        response = self.on_error(conn, exc)
        if inspect.isawaitable(response):
            response = await response
        await response(conn.scope, receive, send)


__all__ = ["AuthenticationMiddleware"]
