"""SessionMiddleware (asgi-middleware)."""

from asgi_middleware import (
    SessionMiddleware,
    SessionTooLarge,
)

__all__ = [
    "SessionMiddleware",
    "SessionTooLarge",
]
