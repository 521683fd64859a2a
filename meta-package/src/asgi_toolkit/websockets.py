"""WebSocket connections (asgi-websockets)."""

from asgi_websockets import (
    InvalidJSONMessage,
    WebSocket,
    WebSocketClose,
    WebSocketDisconnect,
    WebSocketDisconnected,
    WebSocketState,
)

__all__ = [
    "InvalidJSONMessage",
    "WebSocket",
    "WebSocketClose",
    "WebSocketDisconnect",
    "WebSocketDisconnected",
    "WebSocketState",
]
