"""GZipMiddleware: compression with gzip only (Starlette's middleware, same arguments)."""

from __future__ import annotations

from collections.abc import Sequence

from asgi_middleware.compression import CompressionMiddleware
from asgi_protocol.types import ASGIApp


class GZipMiddleware(CompressionMiddleware):
    def __init__(
        self,
        app: ASGIApp,
        minimum_size: int = 500,
        compresslevel: int = 9,
        exclude_media_types: Sequence[str] = ("text/event-stream",),
    ) -> None:
        super().__init__(
            app,
            minimum_size=minimum_size,
            exclude_media_types=exclude_media_types,
            codings=("gzip",),
            levels={"gzip": compresslevel},
        )
