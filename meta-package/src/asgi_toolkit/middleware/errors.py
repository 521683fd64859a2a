"""ServerErrorMiddleware: 500 handler and debug page (asgi-middleware)."""

from asgi_middleware import (
    ServerErrorMiddleware,
)

__all__ = [
    "ServerErrorMiddleware",
]
