"""StaticFiles (asgi-staticfiles)."""

from asgi_staticfiles import (
    NotModifiedResponse,
    StaticFiles,
)

__all__ = [
    "NotModifiedResponse",
    "StaticFiles",
]
