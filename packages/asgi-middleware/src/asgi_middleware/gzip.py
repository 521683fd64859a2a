"""GZipMiddleware: compression with gzip only (Starlette's middleware, same arguments).

GZipResponder and IdentityResponder answer every request the one way, whatever it accepts:
the middleware's two halves, as ASGI apps of their own.
"""

from __future__ import annotations

from collections.abc import Sequence

from asgi_middleware.compression import (
    DEFAULT_EXCLUDED_CONTENT_TYPES,
    THREAD_MINIMUM_SIZE,
    CompressionMiddleware,
)
from asgi_protocol.types import ASGIApp, Receive, Scope, Send


class GZipMiddleware(CompressionMiddleware):
    def __init__(
        self,
        app: ASGIApp,
        minimum_size: int = 500,
        compresslevel: int = 9,
        thread_minimum_size: int = THREAD_MINIMUM_SIZE,
        *,
        exclude_content_types: Sequence[str] = DEFAULT_EXCLUDED_CONTENT_TYPES,
    ) -> None:
        super().__init__(
            app,
            minimum_size=minimum_size,
            exclude_content_types=exclude_content_types,
            codings=("gzip",),
            levels={"gzip": compresslevel},
            thread_minimum_size=thread_minimum_size,
        )
        self.compresslevel = compresslevel  # Starlette's attribute


class GZipResponder:
    """Every response of `app` in gzip (those big enough and not excluded)."""

    def __init__(
        self,
        app: ASGIApp,
        minimum_size: int,
        compresslevel: int = 9,
        *,
        thread_minimum_size: int = THREAD_MINIMUM_SIZE,
        exclude_content_types: Sequence[str] = DEFAULT_EXCLUDED_CONTENT_TYPES,
    ) -> None:
        self.app = app
        self._middleware = GZipMiddleware(
            app,
            minimum_size,
            compresslevel,
            thread_minimum_size,
            exclude_content_types=exclude_content_types,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._middleware.respond(scope, receive, send, "gzip")


class IdentityResponder:
    """Every response of `app` as it is, with `Vary: Accept-Encoding` where gzip could apply."""

    def __init__(
        self,
        app: ASGIApp,
        minimum_size: int,
        *,
        exclude_content_types: Sequence[str] = DEFAULT_EXCLUDED_CONTENT_TYPES,
    ) -> None:
        self.app = app
        self._middleware = GZipMiddleware(
            app, minimum_size, exclude_content_types=exclude_content_types
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._middleware.respond(scope, receive, send, None)


__all__ = [
    "DEFAULT_EXCLUDED_CONTENT_TYPES",
    "GZipMiddleware",
    "GZipResponder",
    "IdentityResponder",
]
