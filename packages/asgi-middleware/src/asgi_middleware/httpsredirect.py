"""HTTPSRedirectMiddleware: send plain http and ws to https and wss, path and query kept."""

from __future__ import annotations

from asgi_protocol.datastructures import URL
from asgi_protocol.hosts import request_authority
from asgi_protocol.types import ASGIApp, Receive, Scope, Send
from asgi_responses import PlainTextResponse, RedirectResponse

_SECURE = {"http": "https", "ws": "wss"}
_DEFAULT_PORTS = {80, 443}


def authority(scope: Scope) -> str | None:
    """Where to redirect to: the request's host (asgi_protocol.hosts), None when it has none.

    The default ports (80 and 443) are dropped: the secure one is implied.
    """
    found = request_authority(scope)
    if found is None:
        return None
    port = found.port
    return found.host if port is None or port in _DEFAULT_PORTS else f"{found.host}:{port}"


class HTTPSRedirectMiddleware:
    def __init__(self, app: ASGIApp, status_code: int = 307) -> None:
        if status_code not in (301, 302, 307, 308):
            raise ValueError(f"status_code must be a redirect status, not {status_code}")
        self.app = app
        self.status_code = status_code

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scheme = scope.get("scheme", "http")
        if scope["type"] not in ("http", "websocket") or scheme not in _SECURE:
            await self.app(scope, receive, send)
            return
        netloc = authority(scope)
        if netloc is None:  # nowhere to send the client
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008, "reason": "Invalid host"})
            else:
                await PlainTextResponse("Invalid host header", 400)(scope, receive, send)
            return
        target = URL(scope=scope).replace(scheme=_SECURE[scheme], netloc=netloc)
        response = RedirectResponse(str(target), status_code=self.status_code)
        if scope["type"] == "websocket":
            # A redirect isn't possible mid-handshake without the denial-response extension.
            if "websocket.http.response" in (scope.get("extensions") or {}):
                await response(scope, receive, send)
            else:
                await send({"type": "websocket.close", "code": 1008, "reason": "Use wss://"})
            return
        await response(scope, receive, send)


__all__ = ["HTTPSRedirectMiddleware"]
