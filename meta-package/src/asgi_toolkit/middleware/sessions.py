"""SessionMiddleware and its memory store (asgi-middleware; RedisSessionStore is in
asgi_middleware.sessions_redis, the `asgi-middleware[redis]` extra)."""

from asgi_middleware import (
    MemorySessionStore,
    Session,
    SessionMiddleware,
    SessionStore,
    SessionStoreError,
    SessionTooLarge,
)

__all__ = [
    "MemorySessionStore",
    "Session",
    "SessionMiddleware",
    "SessionStore",
    "SessionStoreError",
    "SessionTooLarge",
]
