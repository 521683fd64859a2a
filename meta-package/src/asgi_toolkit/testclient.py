"""The requests-based TestClient (asgi-testclient)."""

from asgi_testclient import (
    ASGIInstance,
    TestClient,
    WebSocketDenialResponse,
    WebSocketTestSession,
)

__all__ = [
    "ASGIInstance",
    "TestClient",
    "WebSocketDenialResponse",
    "WebSocketTestSession",
]
