"""BaseHTTPMiddleware (asgi-middleware)."""

from asgi_middleware import (
    BaseHTTPMiddleware,
)

__all__ = [
    "BaseHTTPMiddleware",
]
