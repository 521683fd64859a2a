"""The requests-based TestClient (asgi-testclient)."""

from asgi_testclient import (
    TestClient,
    WebSocketDenialResponse,
)

__all__ = [
    "TestClient",
    "WebSocketDenialResponse",
]
