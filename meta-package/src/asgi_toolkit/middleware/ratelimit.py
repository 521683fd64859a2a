"""RateLimitMiddleware and its memory store (asgi-middleware; RedisStore is in
asgi_middleware.ratelimit_redis, the `asgi-middleware[redis]` extra)."""

from asgi_middleware.ratelimit import (
    MemoryStore,
    RateLimitMiddleware,
    RateLimitStore,
    client_address,
)

__all__ = [
    "MemoryStore",
    "RateLimitMiddleware",
    "RateLimitStore",
    "client_address",
]
