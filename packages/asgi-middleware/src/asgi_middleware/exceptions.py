"""The exceptions asgi-middleware raises (ExceptionMiddleware, which answers exceptions, is in
asgi_middleware.exception_handlers)."""

from __future__ import annotations


class SessionTooLarge(ValueError):
    """The signed session cookie would exceed what browsers store (4 KB)."""


class AuthenticationError(Exception):
    """Raised by a backend for credentials that are present but wrong (a 400, not anonymous)."""


__all__ = ["AuthenticationError", "SessionTooLarge"]
