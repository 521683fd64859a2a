"""RequestIdMiddleware, its log filter and the current request's id (asgi-middleware)."""

from asgi_middleware.requestid import (
    NO_REQUEST_ID,
    REQUEST_ID_SCOPE_KEY,
    RequestIdFilter,
    RequestIdMiddleware,
    current_request_id,
    new_request_id,
)

__all__ = [
    "NO_REQUEST_ID",
    "REQUEST_ID_SCOPE_KEY",
    "RequestIdFilter",
    "RequestIdMiddleware",
    "current_request_id",
    "new_request_id",
]
