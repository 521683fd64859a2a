"""SessionMiddleware (asgi-middleware)."""

from asgi_middleware import (
    SessionMiddleware,
)

__all__ = [
    "SessionMiddleware",
]
