"""GZipMiddleware (asgi-middleware)."""

from asgi_middleware import (
    GZipMiddleware,
)

__all__ = [
    "GZipMiddleware",
]
