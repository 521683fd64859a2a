"""HTTPConnection and Request: body, stream, JSON and form parsing with limits."""

from asgi_requests._connection import HTTPConnection
from asgi_requests._cookies import parse_cookie_header
from asgi_requests._forms import parse_options_header
from asgi_requests._limits import MAX_BODY_SIZE_SCOPE_KEY, BodyLimiter, limit_receive
from asgi_requests._request import FORM_SCOPE_KEY, Request, empty_receive, empty_send
from asgi_requests.exceptions import (
    BodyAlreadyConsumed,
    BodyTooLarge,
    ClientDisconnect,
    FormError,
    MultipartNotInstalled,
)
from asgi_requests.formparsers import FormParser, MultiPartException, MultiPartParser

__version__ = "0.1.0"

__all__ = [
    "FORM_SCOPE_KEY",
    "MAX_BODY_SIZE_SCOPE_KEY",
    "BodyAlreadyConsumed",
    "BodyLimiter",
    "BodyTooLarge",
    "ClientDisconnect",
    "FormError",
    "FormParser",
    "HTTPConnection",
    "MultiPartException",
    "MultiPartParser",
    "MultipartNotInstalled",
    "Request",
    "empty_receive",
    "empty_send",
    "limit_receive",
    "parse_cookie_header",
    "parse_options_header",
]
