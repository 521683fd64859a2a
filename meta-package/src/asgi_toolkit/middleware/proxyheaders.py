"""ProxyHeadersMiddleware (asgi-middleware)."""

from asgi_middleware import (
    ProxyHeadersMiddleware,
)

__all__ = [
    "ProxyHeadersMiddleware",
]
