"""Every signal of this package is a public type, so no library needs our private names."""

from __future__ import annotations

from asgi_protocol.exceptions import ClientDisconnect, HTTPException, InvalidHost

# ClientDisconnect is asgi_protocol's (responses raise it too); re-exported here, its usual home.
# InvalidHost too: url_for raises it, and URL building from a scope is asgi_protocol's.
__all__ = [
    "BodyAlreadyConsumed",
    "BodyTooLarge",
    "ClientDisconnect",
    "FormError",
    "InvalidHost",
    "MultipartNotInstalled",
]


class BodyAlreadyConsumed(RuntimeError):
    """`stream()` was called after the body had already been streamed."""


class BodyTooLarge(HTTPException):
    """The body is over the configured limit: answered 413 `Content Too Large`.

    The reason is the status phrase, as Starlette answers, so clients and tests written for it
    read the same answer; the limit in force is on the exception (`limit`) for logs.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(413, "Content Too Large")


class FormError(HTTPException):
    """A form broke a limit or is malformed: answered with 400 and a short reason.

    Also importable as `formparsers.MultiPartException` (Starlette's name), with its `message`.
    """

    def __init__(self, reason: str) -> None:
        self.message = reason
        super().__init__(400, reason)

    def __str__(self) -> str:
        return self.message  # as MultiPartException's: the reason alone


class MultipartNotInstalled(RuntimeError):
    """multipart/form-data needs python-multipart, the `[multipart]` extra."""

    def __init__(self) -> None:
        super().__init__(
            "Parsing multipart/form-data needs python-multipart: "
            "pip install 'asgi-requests[multipart]'"
        )
