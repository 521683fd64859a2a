"""StaticFiles: serve a directory or package data safely."""

from asgi_staticfiles._staticfiles import NotModifiedResponse, StaticFiles

__version__ = "0.1.0"

__all__ = ["NotModifiedResponse", "StaticFiles"]
