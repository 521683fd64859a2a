"""RequestBodyLimitMiddleware and the scope key of the limit in force (asgi-middleware)."""

from asgi_middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY, RequestBodyLimitMiddleware

__all__ = [
    "MAX_BODY_SIZE_SCOPE_KEY",
    "RequestBodyLimitMiddleware",
]
