"""AuthenticationMiddleware (asgi-middleware)."""

from asgi_middleware import (
    AuthenticationMiddleware,
)

__all__ = [
    "AuthenticationMiddleware",
]
