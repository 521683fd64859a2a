"""RedisStore: rate limit counts in Redis, one limit shared by every process that uses it.

One round trip per hit: a Lua script (EVALSHA; redis-py loads it again after a NOSCRIPT) that
increments the key, starts its expiry on the first hit of a window and returns the count with
the milliseconds left, atomically. The window's clock is the Redis server's, so processes on
machines whose clocks disagree still share one window.
"""

from __future__ import annotations

import logging

from asgi_middleware.exceptions import RateLimitStoreError

try:
    from redis.asyncio import Redis
    from redis.exceptions import RedisError
except ImportError:
    raise ImportError(
        "asgi_middleware.ratelimit_redis needs redis-py: pip install 'asgi-middleware[redis]'"
    ) from None

logger = logging.getLogger("asgi_middleware.ratelimit")

# KEYS[1] the counter, ARGV[1] the window in ms. A counter without an expiry is a new one (or
# one that lost it): its window starts now.
HIT_SCRIPT = """
local hits = redis.call('INCR', KEYS[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
    left = tonumber(ARGV[1])
end
return {hits, left}
"""


class RedisStore:
    """Counts in Redis at `url` (or in the given redis-py asyncio `client`), under `prefix`.

    A Redis error raises RateLimitStoreError (the middleware's `on_error` decides) and logs one
    warning per outage, not one per request.
    """

    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379",
        *,
        client: Redis | None = None,
        prefix: str = "ratelimit:",
    ) -> None:
        self.client: Redis = Redis.from_url(url) if client is None else client
        self.prefix = prefix
        self.script = self.client.register_script(HIT_SCRIPT)
        self.failing = False

    async def hit(self, key: str, window: int) -> tuple[int, float]:
        try:
            hits, left = await self.script(keys=[self.prefix + key], args=[window * 1000])
        except (RedisError, OSError) as exc:
            if not self.failing:
                logger.warning("rate limit store unavailable: %s: %s", type(exc).__name__, exc)
                self.failing = True
            raise RateLimitStoreError(f"Redis did not answer: {exc}") from exc
        if self.failing:
            logger.warning("rate limit store available again")
            self.failing = False
        return int(hits), int(left) / 1000

    async def aclose(self) -> None:
        """Close the client's connections (also a client passed in: the store owns it now)."""
        await self.client.aclose()


__all__ = ["HIT_SCRIPT", "RedisStore"]
