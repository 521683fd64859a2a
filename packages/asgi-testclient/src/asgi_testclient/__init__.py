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
from asgi_testclient._client import ASGI2App, ASGIInstance, TestClient
from asgi_testclient._response import CookieJar, Headers, TestResponse
from asgi_testclient._websocket import WebSocketTestSession
from asgi_testclient.exceptions import (
    ASGIProtocolError,
    NoResponseError,
    NotAnApp,
    WebSocketDenialResponse,
)

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
    "NotAnApp",
    "TestClient",
    "TestResponse",
    "WebSocketDenialResponse",
    "WebSocketDisconnect",
    "WebSocketTestSession",
]
