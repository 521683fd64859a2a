"""ExceptionMiddleware: handlers by class and status (asgi-middleware)."""

from asgi_middleware import (
    ExceptionMiddleware,
)

__all__ = [
    "ExceptionMiddleware",
]
