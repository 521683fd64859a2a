"""The ASGI type aliases (asgi_protocol.types)."""

from asgi_protocol.types import (
    AppType,
    ASGIApp,
    BodyStream,
    ExceptionHandler,
    HTTPExceptionHandler,
    Lifespan,
    Message,
    Receive,
    Scope,
    Send,
    StatefulLifespan,
    StatelessLifespan,
    WebSocketExceptionHandler,
)

__all__ = [
    "ASGIApp",
    "AppType",
    "BodyStream",
    "ExceptionHandler",
    "HTTPExceptionHandler",
    "Lifespan",
    "Message",
    "Receive",
    "Scope",
    "Send",
    "StatefulLifespan",
    "StatelessLifespan",
    "WebSocketExceptionHandler",
]
