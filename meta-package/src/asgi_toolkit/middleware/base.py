"""BaseHTTPMiddleware and the types of its dispatch function (asgi-middleware)."""

from asgi_middleware import (
    BaseHTTPMiddleware,
)
from asgi_middleware.base import DispatchFunction, RequestResponseEndpoint

__all__ = [
    "BaseHTTPMiddleware",
    "DispatchFunction",
    "RequestResponseEndpoint",
]
