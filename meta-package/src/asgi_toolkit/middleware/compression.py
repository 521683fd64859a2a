"""Compression middleware: gzip, brotli, zstd (asgi-middleware)."""

from asgi_middleware import (
    CompressionMiddleware,
)

__all__ = [
    "CompressionMiddleware",
]
