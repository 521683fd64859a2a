"""RedisSessionStore: server-side sessions in Redis, shared by every process that uses it.

A session is a hash at `prefix + id`: `data` (the JSON) and, when the session holds `index_key`,
`owner` (that value); it expires `ttl` seconds after its last write. With `index_key`, a set at
`prefix + "index:" + index_key + ":" + owner` holds the ids of that owner's sessions, so that
revoke_user deletes them all. Loading is one HGET; each write, revocation or rotation is one Lua
script (EVALSHA; redis-py loads it again after a NOSCRIPT), atomic, TTL included. The scripts
name the index keys they touch from the data, so this needs one Redis (or a primary), not a
Redis Cluster. Ids hold no ":", so an id never names an index.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from asgi_middleware.exceptions import SessionStoreError
from asgi_middleware.session_stores import deserialize, owner_of, serialize

try:
    from redis.asyncio import Redis
    from redis.exceptions import RedisError
except ImportError:
    raise ImportError(
        "asgi_middleware.sessions_redis needs redis-py: pip install 'asgi-middleware[redis]'"
    ) from None

logger = logging.getLogger("asgi_middleware.sessions")

# ARGV: 1 the JSON, 2 the ttl in seconds, 3 the owner, 4 '1' if there is one, 5 the entries'
# prefix, 6 the owner index's prefix, 7 the id to write, 8 the id it was loaded under ('' if
# none). Answers 0, writing nothing, when that previous entry is gone (revoked meanwhile).
SAVE_SCRIPT = """
local entry = ARGV[5] .. ARGV[7]
local previous = ARGV[8]
if previous ~= '' then
    local previous_entry = ARGV[5] .. previous
    if redis.call('EXISTS', previous_entry) == 0 then
        return 0
    end
    local old_owner = redis.call('HGET', previous_entry, 'owner')
    if old_owner and (previous ~= ARGV[7] or ARGV[4] ~= '1' or old_owner ~= ARGV[3]) then
        redis.call('SREM', ARGV[6] .. old_owner, previous)
    end
    redis.call('DEL', previous_entry)
end
redis.call('DEL', entry)
if ARGV[4] == '1' then
    redis.call('HSET', entry, 'data', ARGV[1], 'owner', ARGV[3])
else
    redis.call('HSET', entry, 'data', ARGV[1])
end
redis.call('EXPIRE', entry, ARGV[2])
if ARGV[4] == '1' then
    local index = ARGV[6] .. ARGV[3]
    if redis.call('SADD', index, ARGV[7]) == 1 then
        -- a new member: forget the ones that expired, so the set stays as small as the sessions
        for _, member in ipairs(redis.call('SMEMBERS', index)) do
            if redis.call('EXISTS', ARGV[5] .. member) == 0 then
                redis.call('SREM', index, member)
            end
        end
    end
    if redis.call('TTL', index) < tonumber(ARGV[2]) then
        redis.call('EXPIRE', index, ARGV[2])
    end
end
return 1
"""

# ARGV: 1 the entries' prefix, 2 the owner index's prefix, 3 the id.
REVOKE_SCRIPT = """
local entry = ARGV[1] .. ARGV[3]
local owner = redis.call('HGET', entry, 'owner')
if owner then
    redis.call('SREM', ARGV[2] .. owner, ARGV[3])
end
return redis.call('DEL', entry)
"""

# ARGV: 1 the entries' prefix, 2 the owner index's prefix, 3 the owner. A member whose entry
# now has another owner (or none) is not deleted.
REVOKE_USER_SCRIPT = """
local index = ARGV[2] .. ARGV[3]
local revoked = 0
for _, member in ipairs(redis.call('SMEMBERS', index)) do
    local entry = ARGV[1] .. member
    if redis.call('HGET', entry, 'owner') == ARGV[3] then
        revoked = revoked + redis.call('DEL', entry)
    end
end
redis.call('DEL', index)
return revoked
"""


@contextmanager
def _store_errors() -> Iterator[None]:
    try:
        yield
    except (RedisError, OSError) as exc:
        raise SessionStoreError(f"Redis failed: {type(exc).__name__}: {exc}") from exc


class RedisSessionStore:
    """Sessions in Redis at `url` (or in the given redis-py asyncio `client`), under `prefix`.

    With `index_key` (e.g. "user_id"), revoke_user(value) deletes every session holding that
    value there. Any Redis error raises SessionStoreError.
    """

    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379",
        *,
        client: Redis | None = None,
        prefix: str = "session:",
        index_key: str | None = None,
    ) -> None:
        self.client: Redis = Redis.from_url(url) if client is None else client
        self.prefix = prefix
        self.index_key = index_key
        self.index_prefix = f"{prefix}index:{index_key}:"
        self.save_script = self.client.register_script(SAVE_SCRIPT)
        self.revoke_script = self.client.register_script(REVOKE_SCRIPT)
        self.revoke_user_script = self.client.register_script(REVOKE_USER_SCRIPT)

    async def load(self, session_id: str) -> dict[str, Any] | None:
        with _store_errors():
            payload = await self.client.hget(self.prefix + session_id, "data")
        if payload is None:
            return None
        data = deserialize(payload)
        if data is None:
            logger.warning("a stored session is not a JSON object: read as an empty session")
        return data

    async def save(
        self, session_id: str, data: Mapping[str, Any], ttl: int, previous_id: str | None
    ) -> bool:
        owner = owner_of(data, self.index_key)
        args: list[bytes | str | int] = [
            serialize(data),
            ttl,
            owner or "",
            "0" if owner is None else "1",
            self.prefix,
            self.index_prefix,
            session_id,
            previous_id or "",
        ]
        with _store_errors():
            return bool(await self.save_script(args=args))

    async def revoke(self, session_id: str) -> None:
        with _store_errors():
            await self.revoke_script(args=[self.prefix, self.index_prefix, session_id])

    async def revoke_user(self, value: str | int) -> int:
        args = [self.prefix, self.index_prefix, str(value)]
        with _store_errors():
            return int(await self.revoke_user_script(args=args))

    async def aclose(self) -> None:
        """Close the client's connections (also a client passed in: the store owns it now)."""
        await self.client.aclose()


__all__ = ["REVOKE_SCRIPT", "REVOKE_USER_SCRIPT", "SAVE_SCRIPT", "RedisSessionStore"]
