"""HTTPSRedirectMiddleware: send plain http and ws to https and wss, path and query kept."""

from __future__ import annotations

from asgi_middleware._hosts import host_header, parse_host
from asgi_protocol.datastructures import URL
from asgi_protocol.types import ASGIApp, Receive, Scope, Send
from asgi_responses import PlainTextResponse, RedirectResponse

_SECURE = {"http": "https", "ws": "wss"}
_DEFAULT_PORTS = {80, 443}


def authority(scope: Scope) -> str | None:
    """Where to redirect to: the Host header if it is one, else the server's address.

    The default ports (80 and 443) are dropped: the secure one is implied.
    """
    parsed = parse_host(host_header(scope))
    if parsed is not None and (parsed.port is not None or not parsed.has_port):
        name, port = parsed.name, parsed.port
    elif scope.get("server") is not None:
        name, port = scope["server"]
        if ":" in name and not name.startswith("["):
            name = f"[{name}]"
    else:
        return None
    return name if port is None or port in _DEFAULT_PORTS else f"{name}:{port}"


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
