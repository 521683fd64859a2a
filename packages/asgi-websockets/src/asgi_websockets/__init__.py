"""The WebSocket connection object and close helpers."""

from asgi_protocol.exceptions import WebSocketDisconnect
from asgi_websockets._websocket import (
    WebSocket,
    WebSocketClose,
    WebSocketState,
    decode_json_frame,
)
from asgi_websockets.exceptions import InvalidJSONMessage, WebSocketDisconnected

__version__ = "0.1.0"

__all__ = [
    "InvalidJSONMessage",
    "WebSocket",
    "WebSocketClose",
    "WebSocketDisconnect",
    "WebSocketDisconnected",
    "WebSocketState",
    "decode_json_frame",
]
