"""The Middleware spec, and one module per middleware below."""

from asgi_middleware import (
    Middleware,
    MiddlewareFactory,
)

__all__ = [
    "Middleware",
    "MiddlewareFactory",
]
