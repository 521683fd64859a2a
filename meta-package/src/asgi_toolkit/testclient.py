"""The requests-based TestClient (asgi-toolkit-testclient, the `testclient` extra)."""

from asgi_toolkit._extras import extra_missing

try:
    from asgi_testclient import (
        ASGIInstance,
        TestClient,
        WebSocketDenialResponse,
        WebSocketTestSession,
    )
except ModuleNotFoundError as error:  # the extra isn't installed
    raise extra_missing(error, "asgi_testclient", "testclient") from error

__all__ = [
    "ASGIInstance",
    "TestClient",
    "WebSocketDenialResponse",
    "WebSocketTestSession",
]
