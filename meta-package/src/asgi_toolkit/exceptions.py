"""HTTPException and WebSocketException (asgi_protocol.exceptions)."""

from asgi_protocol.exceptions import (
    HTTPException,
    WebSocketDisconnect,
    WebSocketException,
)

__all__ = [
    "HTTPException",
    "WebSocketDisconnect",
    "WebSocketException",
]
