"""StaticFiles: serve a directory or package data safely."""

from asgi_staticfiles._staticfiles import NotModifiedResponse, StaticFiles

__all__ = ["NotModifiedResponse", "StaticFiles"]
