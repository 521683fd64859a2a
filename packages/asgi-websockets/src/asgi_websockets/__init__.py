"""The WebSocket connection object and close helpers."""

from asgi_protocol.exceptions import WebSocketDisconnect
from asgi_websockets._websocket import (
    WebSocket,
    WebSocketClose,
    WebSocketDisconnected,
    WebSocketState,
)

__version__ = "0.1.0"

__all__ = [
    "WebSocket",
    "WebSocketClose",
    "WebSocketDisconnect",
    "WebSocketDisconnected",
    "WebSocketState",
]
