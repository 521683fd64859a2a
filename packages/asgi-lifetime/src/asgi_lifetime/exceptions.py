"""The errors of a lifespan conversation, as the client side (a server, a test) sees them,
and InvalidLifespan, the app's side: a `lifespan=` that is no lifespan.

An exception the app itself raises during its lifespan is never wrapped in one of these: it
reaches the caller as it is. These say what the app *reported* or how it broke the protocol.
"""

from __future__ import annotations

from typing import Any


class InvalidLifespan(TypeError):
    """`lifespan=` is not a factory of async context managers taking the app.

    Raised when the lifespan is given if its definition shows it (no parameter for the app, an
    `async def` without `yield`), else at startup, from what calling it returned (a
    `@contextmanager`'s sync manager, a dict, None). The message shows the shape to write.
    A TypeError, which `async with` raises for an object that is no async context manager.
    """

    def __init__(self, lifespan: Any, problem: str) -> None:
        self.lifespan = lifespan
        name = getattr(lifespan, "__name__", None)
        shown = repr(name) if isinstance(name, str) else repr(lifespan)
        example = name if isinstance(name, str) and name.isidentifier() else "lifespan"
        super().__init__(
            f"lifespan {shown} {problem}; write it as an async context manager factory:\n\n"
            "    @contextlib.asynccontextmanager\n"
            f"    async def {example}(app):\n"
            "        ...  # startup\n"
            '        yield  # or `yield {"name": value}` for request.state\n'
            "        ...  # shutdown"
        )


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


__all__ = [
    "InvalidLifespan",
    "LifespanError",
    "LifespanNotSupported",
    "LifespanProtocolError",
    "LifespanShutdownFailed",
    "LifespanStartupFailed",
]
