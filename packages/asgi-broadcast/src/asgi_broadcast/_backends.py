"""Transports behind `Broadcast`: one narrow interface, two implementations.

A backend only moves messages; `Broadcast` owns the per-channel fan-out to
local subscribers, so a backend needs one subscription per channel per
process, however many WebSockets listen on it.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Protocol

from asgi_broadcast._event import Event

if TYPE_CHECKING:  # pragma: no cover - typing only
    from redis.asyncio import Redis
    from redis.asyncio.client import PubSub


class BroadcastBackend(Protocol):
    """What `Broadcast` needs from a transport."""

    async def connect(self) -> None: ...
    async def disconnect(self) -> None: ...
    async def subscribe(self, channel: str) -> None: ...
    async def unsubscribe(self, channel: str) -> None: ...
    async def publish(self, channel: str, message: str) -> None: ...
    async def next_published(self) -> Event: ...


class MemoryBackend:
    """In-process only: for tests and single-process deployments."""

    def __init__(self, url: str = "memory://") -> None:
        self._queue: asyncio.Queue[Event] = asyncio.Queue()

    async def connect(self) -> None:
        self._queue = asyncio.Queue()

    async def disconnect(self) -> None:
        pass

    async def subscribe(self, channel: str) -> None:
        pass  # every event goes through one queue; Broadcast filters by channel

    async def unsubscribe(self, channel: str) -> None:
        pass

    async def publish(self, channel: str, message: str) -> None:
        self._queue.put_nowait(Event(channel, message))

    async def next_published(self) -> Event:
        return await self._queue.get()


class RedisBackend:
    """Redis pub/sub through redis-py's asyncio client (the `redis` extra)."""

    def __init__(self, url: str) -> None:
        try:
            from redis.asyncio import Redis
        except ImportError:
            raise RuntimeError(
                "The redis:// broadcast backend needs redis-py: pip install 'asgi-broadcast[redis]'"
            ) from None
        self._url = url
        self._redis_class = Redis
        self._client: Redis | None = None
        self._pubsub: PubSub | None = None
        # redis-py refuses to read a PubSub before its first SUBSCRIBE.
        self._subscribed = asyncio.Event()

    async def connect(self) -> None:
        client = self._redis_class.from_url(self._url, decode_responses=True)
        await client.ping()  # fail here, not on the first publish
        self._client = client
        self._pubsub = client.pubsub()
        self._subscribed = asyncio.Event()

    async def disconnect(self) -> None:
        assert self._client is not None
        assert self._pubsub is not None
        await self._pubsub.aclose()  # type: ignore[no-untyped-call]  # untyped in redis-py
        await self._client.aclose()
        self._client = self._pubsub = None

    async def subscribe(self, channel: str) -> None:
        assert self._pubsub is not None
        await self._pubsub.subscribe(channel)
        self._subscribed.set()

    async def unsubscribe(self, channel: str) -> None:
        assert self._pubsub is not None
        await self._pubsub.unsubscribe(channel)

    async def publish(self, channel: str, message: str) -> None:
        assert self._client is not None
        await self._client.publish(channel, message)

    async def next_published(self) -> Event:
        await self._subscribed.wait()
        assert self._pubsub is not None
        while True:
            # Subscribe/unsubscribe confirmations come back as None.
            raw: dict[str, Any] | None = await self._pubsub.get_message(
                ignore_subscribe_messages=True, timeout=None
            )
            if raw is not None:
                return Event(raw["channel"], raw["data"])
