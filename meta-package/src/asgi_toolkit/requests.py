"""HTTPConnection and Request (asgi-requests)."""

from asgi_requests import (
    BodyAlreadyConsumed,
    BodyTooLarge,
    ClientDisconnect,
    FormError,
    HTTPConnection,
    MultipartNotInstalled,
    Request,
    empty_receive,
    empty_send,
)

__all__ = [
    "BodyAlreadyConsumed",
    "BodyTooLarge",
    "ClientDisconnect",
    "FormError",
    "HTTPConnection",
    "MultipartNotInstalled",
    "Request",
    "empty_receive",
    "empty_send",
]
