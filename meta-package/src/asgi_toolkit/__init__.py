"""The whole asgi-toolkit framework: `App`, plus the everyday names at the top level.

Starlette's module layout is mirrored below (`asgi_toolkit.responses`, `.routing`,
`.middleware.cors`, ...), so migrating is a change of imports. The test client and GraphQL
stay in their own modules so `import asgi_toolkit` doesn't pull in requests or graphene.
"""

from asgi_toolkit.applications import App
from asgi_toolkit.background import BackgroundTask, BackgroundTasks
from asgi_toolkit.endpoints import HTTPEndpoint, WebSocketEndpoint
from asgi_toolkit.exceptions import HTTPException, WebSocketException
from asgi_toolkit.middleware import Middleware
from asgi_toolkit.requests import HTTPConnection, Request
from asgi_toolkit.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from asgi_toolkit.routing import Host, Mount, NoMatchFound, Route, Router, WebSocketRoute
from asgi_toolkit.staticfiles import StaticFiles
from asgi_toolkit.websockets import WebSocket, WebSocketDisconnect

__version__ = "0.1.0"

__all__ = [
    "App",
    "BackgroundTask",
    "BackgroundTasks",
    "FileResponse",
    "HTMLResponse",
    "HTTPConnection",
    "HTTPEndpoint",
    "HTTPException",
    "Host",
    "JSONResponse",
    "Middleware",
    "Mount",
    "NoMatchFound",
    "PlainTextResponse",
    "RedirectResponse",
    "Request",
    "Response",
    "Route",
    "Router",
    "StaticFiles",
    "StreamingResponse",
    "WebSocket",
    "WebSocketDisconnect",
    "WebSocketEndpoint",
    "WebSocketException",
    "WebSocketRoute",
]
