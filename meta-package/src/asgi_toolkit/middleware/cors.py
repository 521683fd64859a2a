"""CORSMiddleware (asgi-middleware)."""

from asgi_middleware import (
    CORSMiddleware,
)

__all__ = [
    "CORSMiddleware",
]
