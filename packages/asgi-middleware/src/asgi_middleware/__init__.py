"""Pure ASGI middleware: CORS, compression, hosts, HTTPS, proxies, sessions, auth, errors,
rate limits, request ids, CSRF and timeouts.

Each middleware is a plain ASGI app wrapping another, usable in front of any ASGI app.
"""

from asgi_middleware._spec import Middleware, MiddlewareFactory
from asgi_middleware.authentication import AuthenticationMiddleware
from asgi_middleware.base import BaseHTTPMiddleware
from asgi_middleware.body_limit import RequestBodyLimitMiddleware
from asgi_middleware.compression import CompressionMiddleware
from asgi_middleware.cors import CORSMiddleware
from asgi_middleware.csrf import CSRFMiddleware, get_csrf_token
from asgi_middleware.errors import ServerErrorMiddleware
from asgi_middleware.exception_handlers import ExceptionMiddleware
from asgi_middleware.exceptions import (
    AuthenticationError,
    RateLimitStoreError,
    SessionStoreError,
    SessionTooLarge,
)
from asgi_middleware.gzip import GZipMiddleware
from asgi_middleware.httpsredirect import HTTPSRedirectMiddleware
from asgi_middleware.identity import (
    AuthCredentials,
    AuthenticationBackend,
    BaseUser,
    SimpleUser,
    UnauthenticatedUser,
    has_required_scope,
    requires,
)
from asgi_middleware.proxyheaders import ProxyHeadersMiddleware
from asgi_middleware.ratelimit import MemoryStore, RateLimitMiddleware, RateLimitStore
from asgi_middleware.requestid import RequestIdFilter, RequestIdMiddleware, current_request_id
from asgi_middleware.session_stores import MemorySessionStore, SessionStore
from asgi_middleware.sessions import Session, SessionMiddleware
from asgi_middleware.timeout import TimeoutMiddleware
from asgi_middleware.trustedhost import TrustedHostMiddleware

__version__ = "0.1.0"

__all__ = [
    "AuthCredentials",
    "AuthenticationBackend",
    "AuthenticationError",
    "AuthenticationMiddleware",
    "BaseHTTPMiddleware",
    "BaseUser",
    "CORSMiddleware",
    "CSRFMiddleware",
    "CompressionMiddleware",
    "ExceptionMiddleware",
    "GZipMiddleware",
    "HTTPSRedirectMiddleware",
    "MemorySessionStore",
    "MemoryStore",
    "Middleware",
    "MiddlewareFactory",
    "ProxyHeadersMiddleware",
    "RateLimitMiddleware",
    "RateLimitStore",
    "RateLimitStoreError",
    "RequestBodyLimitMiddleware",
    "RequestIdFilter",
    "RequestIdMiddleware",
    "ServerErrorMiddleware",
    "Session",
    "SessionMiddleware",
    "SessionStore",
    "SessionStoreError",
    "SessionTooLarge",
    "SimpleUser",
    "TimeoutMiddleware",
    "TrustedHostMiddleware",
    "UnauthenticatedUser",
    "current_request_id",
    "get_csrf_token",
    "has_required_scope",
    "requires",
]
