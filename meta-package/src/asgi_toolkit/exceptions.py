"""HTTPException and WebSocketException (asgi_protocol.exceptions)."""

from asgi_protocol.exceptions import (
    HTTPException,
    ToolkitDeprecationWarning,
    WebSocketDisconnect,
    WebSocketException,
)

__all__ = [
    "HTTPException",
    "ToolkitDeprecationWarning",
    "WebSocketDisconnect",
    "WebSocketException",
]
