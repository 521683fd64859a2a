"""SessionMiddleware (asgi-middleware)."""

from asgi_middleware import (
    Session,
    SessionMiddleware,
    SessionTooLarge,
)

__all__ = [
    "Session",
    "SessionMiddleware",
    "SessionTooLarge",
]
