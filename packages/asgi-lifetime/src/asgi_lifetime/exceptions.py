"""The errors of a lifespan conversation, as the client side (a server, a test) sees them.

An exception the app itself raises during its lifespan is never wrapped in one of these: it
reaches the caller as it is. These say what the app *reported* or how it broke the protocol.
"""

from __future__ import annotations


class LifespanError(RuntimeError):
    """Base of the lifespan errors."""


class LifespanStartupFailed(LifespanError):
    """The app answered lifespan.startup.failed (and raised nothing); `message` is its text."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(
            f"Lifespan startup failed: {message}" if message else "Lifespan startup failed"
        )


class LifespanShutdownFailed(LifespanError):
    """The app answered lifespan.shutdown.failed (and raised nothing); `message` is its text."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(
            f"Lifespan shutdown failed: {message}" if message else "Lifespan shutdown failed"
        )


class LifespanNotSupported(LifespanError):
    """The app returned without answering lifespan.startup, or answered it with a message
    that is not a lifespan one: it does not speak the lifespan protocol (or a middleware in
    front of it swallowed the lifespan scope)."""


class LifespanProtocolError(LifespanError):
    """The app sent a lifespan message that does not fit (or went quiet during shutdown)."""
