"""Class-based endpoints (asgi-routing)."""

from asgi_routing import (
    HTTPEndpoint,
    WebSocketEndpoint,
)

__all__ = [
    "HTTPEndpoint",
    "WebSocketEndpoint",
]
