"""TrustedHostMiddleware (asgi-middleware)."""

from asgi_middleware import (
    TrustedHostMiddleware,
)

__all__ = [
    "TrustedHostMiddleware",
]
