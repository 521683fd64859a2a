"""HTTPSRedirectMiddleware: send plain http and ws to https and wss, path and query kept."""

from __future__ import annotations

from asgi_protocol.datastructures import URL
from asgi_protocol.types import ASGIApp, Receive, Scope, Send
from asgi_responses import RedirectResponse

_SECURE = {"http": "https", "ws": "wss"}
_DEFAULT_PORTS = {80, 443}


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
        url = URL(scope=scope)
        netloc = url.netloc
        if url.port in _DEFAULT_PORTS:
            netloc = netloc[: -len(f":{url.port}")]  # the secure default port is implied
        target = url.replace(scheme=_SECURE[scheme], netloc=netloc)
        response = RedirectResponse(str(target), status_code=self.status_code)
        if scope["type"] == "websocket":
            # A redirect isn't possible mid-handshake without the denial-response extension.
            if "websocket.http.response" in (scope.get("extensions") or {}):
                await response(scope, receive, send)
            else:
                await send({"type": "websocket.close", "code": 1008, "reason": "Use wss://"})
            return
        await response(scope, receive, send)
