"""HTTPSRedirectMiddleware (asgi-middleware)."""

from asgi_middleware import (
    HTTPSRedirectMiddleware,
)

__all__ = [
    "HTTPSRedirectMiddleware",
]
