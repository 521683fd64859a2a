"""The exceptions asgi-middleware raises (ExceptionMiddleware, which answers exceptions, is in
asgi_middleware.exception_handlers)."""

from __future__ import annotations


class SessionTooLarge(ValueError):
    """The signed session cookie would exceed what browsers store (4 KB)."""


class AuthenticationError(Exception):
    """Raised by a backend for credentials that are present but wrong (a 400, not anonymous)."""


class RateLimitStoreError(Exception):
    """A rate limit store could not count a hit (Redis down): RateLimitMiddleware's `on_error`
    decides whether the request goes through."""


class SessionStoreError(Exception):
    """A session store could not load, save or revoke a session (Redis down): the request
    fails rather than lose a write or read a session as empty."""


__all__ = ["AuthenticationError", "RateLimitStoreError", "SessionStoreError", "SessionTooLarge"]
