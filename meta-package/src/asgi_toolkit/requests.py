"""HTTPConnection and Request (asgi-requests), and State, which older code imports from here."""

from asgi_protocol.datastructures import State
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
    "State",
    "empty_receive",
    "empty_send",
]
