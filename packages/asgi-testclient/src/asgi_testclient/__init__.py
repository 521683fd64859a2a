"""A requests-based test client that drives any ASGI 3 app in-process.

`TestClient(app)` is a `requests.Session`; `with TestClient(app) as client:` also runs the app's
lifespan, and `client.websocket_connect(url)` opens a websocket session.
"""

from asgi_lifetime import (
    LifespanError,
    LifespanNotSupported,
    LifespanProtocolError,
    LifespanShutdownFailed,
    LifespanStartupFailed,
)
from asgi_protocol.exceptions import WebSocketDisconnect

from ._client import ASGI2App, ASGIInstance, TestClient
from ._errors import ASGIProtocolError, NoResponseError, WebSocketDenialResponse
from ._response import CookieJar, Headers, TestResponse
from ._websocket import WebSocketTestSession

__version__ = "0.1.0"

__all__ = [
    "ASGI2App",
    "ASGIInstance",
    "ASGIProtocolError",
    "CookieJar",
    "Headers",
    "LifespanError",
    "LifespanNotSupported",
    "LifespanProtocolError",
    "LifespanShutdownFailed",
    "LifespanStartupFailed",
    "NoResponseError",
    "TestClient",
    "TestResponse",
    "WebSocketDenialResponse",
    "WebSocketDisconnect",
    "WebSocketTestSession",
]
