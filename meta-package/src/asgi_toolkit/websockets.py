"""WebSocket connections (asgi-websockets)."""

from asgi_websockets import (
    WebSocket,
    WebSocketClose,
    WebSocketDisconnect,
    WebSocketState,
)

__all__ = [
    "WebSocket",
    "WebSocketClose",
    "WebSocketDisconnect",
    "WebSocketState",
]
