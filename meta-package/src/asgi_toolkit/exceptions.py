"""HTTPException and WebSocketException (asgi_protocol.exceptions)."""

from asgi_protocol.exceptions import (
    HTTPException,
    InvalidHost,
    StateNotSet,
    ToolkitDeprecationWarning,
    WebSocketDisconnect,
    WebSocketException,
)

__all__ = [
    "HTTPException",
    "InvalidHost",
    "StateNotSet",
    "ToolkitDeprecationWarning",
    "WebSocketDisconnect",
    "WebSocketException",
]
