"""`Broadcast`: one backend subscription per channel, fanned out to local queues."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType
from urllib.parse import urlsplit

from asgi_broadcast._backends import BroadcastBackend, MemoryBackend, RedisBackend
from asgi_broadcast._event import Event

# None ends iteration (disconnect); an exception is re-raised in the subscriber.
_Item = Event | BaseException | None


class Subscriber:
    """Async iterator over the events of one channel for one listener."""

    __slots__ = ("_queue",)

    def __init__(self, queue: asyncio.Queue[_Item]) -> None:
        self._queue = queue

    def __aiter__(self) -> Subscriber:
        return self

    async def __anext__(self) -> Event:
        item = await self._queue.get()
        if item is None:
            raise StopAsyncIteration
        if isinstance(item, BaseException):
            raise item
        return item


class Broadcast:
    """Publish to channels and subscribe to them, in-process or across processes.

    `Broadcast("memory://")` stays in one process; `Broadcast("redis://host:6379")`
    reaches every process connected to that Redis.
    """

    def __init__(self, url: str) -> None:
        scheme = urlsplit(url).scheme
        self._backend: BroadcastBackend
        if scheme == "memory":
            self._backend = MemoryBackend(url)
        elif scheme in ("redis", "rediss"):
            self._backend = RedisBackend(url)
        else:
            raise ValueError(
                f"Unsupported broadcast URL scheme {scheme!r} in {url!r}: use memory:// or redis://"
            )
        self._subscribers: dict[str, set[asyncio.Queue[_Item]]] = {}
        self._listener: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Broadcast:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.disconnect()

    def _check_connected(self) -> None:
        if self._listener is None:
            raise RuntimeError("Broadcast is not connected: call connect() or use 'async with'")

    async def connect(self) -> None:
        if self._listener is not None:
            raise RuntimeError("Broadcast is already connected")
        await self._backend.connect()
        self._listener = asyncio.create_task(self._listen())

    async def disconnect(self) -> None:
        self._check_connected()
        assert self._listener is not None
        listener, self._listener = self._listener, None
        listener.cancel()
        await asyncio.wait({listener})  # never raises, even if the listener failed
        for queues in self._subscribers.values():
            for queue in queues:
                queue.put_nowait(None)  # end every open `async for`
        self._subscribers.clear()
        await self._backend.disconnect()

    async def _listen(self) -> None:
        try:
            while True:
                event = await self._backend.next_published()
                # Hot path: one dict lookup, then a non-blocking put per listener.
                for queue in self._subscribers.get(event.channel, ()):
                    queue.put_nowait(event)
        except Exception as exc:
            # The transport broke: tell every listener instead of leaving it hanging.
            for queues in self._subscribers.values():
                for queue in queues:
                    queue.put_nowait(exc)

    async def publish(self, channel: str, message: str) -> None:
        """Send `message` to every subscriber of `channel` (in every process)."""
        self._check_connected()
        await self._backend.publish(channel, message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscriber]:
        """Listen on `channel` for the duration of the block."""
        self._check_connected()
        if channel not in self._subscribers:
            await self._backend.subscribe(channel)
        queues = self._subscribers.setdefault(channel, set())
        queue: asyncio.Queue[_Item] = asyncio.Queue()
        queues.add(queue)
        try:
            yield Subscriber(queue)
        finally:
            queues.discard(queue)
            # After disconnect() the table was cleared and the backend is gone.
            if not queues and self._subscribers.get(channel) is queues:
                del self._subscribers[channel]
                await self._backend.unsubscribe(channel)
