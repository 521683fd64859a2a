"""WSGIMiddleware and build_environ (asgi-middleware; deprecated, as in Starlette)."""

from asgi_middleware.wsgi import (
    WSGIMiddleware,
    build_environ,
)

__all__ = [
    "WSGIMiddleware",
    "build_environ",
]
