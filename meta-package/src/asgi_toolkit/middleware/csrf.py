"""CSRFMiddleware and the token a form sends back (asgi-middleware)."""

from asgi_middleware.csrf import (
    CSRF_TOKEN_SCOPE_KEY,
    SAFE_METHODS,
    CSRFMiddleware,
    get_csrf_token,
    own_origin,
    parse_origin,
)

__all__ = [
    "CSRF_TOKEN_SCOPE_KEY",
    "SAFE_METHODS",
    "CSRFMiddleware",
    "get_csrf_token",
    "own_origin",
    "parse_origin",
]
