"""HTTPConnection and Request (asgi-requests)."""

from asgi_requests import (
    BodyTooLarge,
    ClientDisconnect,
    FormError,
    HTTPConnection,
    Request,
)

__all__ = [
    "BodyTooLarge",
    "ClientDisconnect",
    "FormError",
    "HTTPConnection",
    "Request",
]
