"""TimeoutMiddleware and the scope key of a request's timer (asgi-middleware)."""

from asgi_middleware.timeout import TIMEOUT_SCOPE_KEY, TimeoutMiddleware

__all__ = [
    "TIMEOUT_SCOPE_KEY",
    "TimeoutMiddleware",
]
