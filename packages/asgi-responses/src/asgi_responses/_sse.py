"""Server-sent events: text/event-stream with keep-alive pings, ended at the app's shutdown."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from asgi_protocol.concurrency import iterate_in_threadpool
from asgi_protocol.datastructures import SHUTDOWN_STATE_KEY
from asgi_protocol.types import Receive, Scope, Send
from asgi_responses._streaming import StreamingResponse
from asgi_tasks import BackgroundTask

PING = b": ping\n\n"
#: What an event stream sends last when it ends on the app's shutdown signal.
SHUTDOWN = b": shutdown\n\n"
# The only line breaks of text/event-stream. str.splitlines() also splits on U+2028, \x0c, \x85
# and more, which would change the data a client reassembles.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    """One event. `data` may span lines; `event` and `id` may not (they would forge fields)."""

    data: Any = None
    event: str | None = None
    id: str | None = None
    retry: int | None = None
    comment: str | None = None

    def __post_init__(self) -> None:
        for name in ("event", "id"):
            value = getattr(self, name)
            if value is not None and ("\r" in value or "\n" in value):
                raise ValueError(f"ServerSentEvent {name} must not contain CR or LF")
        if self.id is not None and "\x00" in self.id:
            raise ValueError("ServerSentEvent id must not contain NUL")

    def encode(self) -> bytes:
        lines: list[str] = []
        if self.comment is not None:
            lines.extend(f": {line}" for line in _LINE_BREAK.split(self.comment))
        if self.event is not None:
            lines.append(f"event: {self.event}")
        if self.id is not None:
            lines.append(f"id: {self.id}")
        if self.retry is not None:
            lines.append(f"retry: {int(self.retry)}")
        if self.data is not None:
            data = self.data if isinstance(self.data, str) else json.dumps(self.data)
            lines.extend(f"data: {line}" for line in _LINE_BREAK.split(data))
        return ("\n".join(lines) + "\n\n").encode("utf-8")


def _as_event(item: ServerSentEvent | Mapping[str, Any] | str | bytes) -> bytes:
    if isinstance(item, ServerSentEvent):
        return item.encode()
    if isinstance(item, Mapping):
        return ServerSentEvent(**item).encode()
    if isinstance(item, bytes):
        return item
    return ServerSentEvent(data=item).encode()


class EventSourceResponse(StreamingResponse):
    """Streams events, with a `: ping` comment whenever `ping` seconds pass without one.

    The stream also ends by itself when the app's shutdown signal (an `asyncio.Event` in the
    lifespan state under "shutdown", which asgi-lifetime puts there) is set: `shutdown_message`
    is sent last (a `: shutdown` comment by default; give it a `retry` to tell clients when to
    come back), the source is closed (its `finally` runs) and the response finishes, so the
    server can stop before its grace period ends. EventSource clients reconnect by themselves.
    """

    media_type = "text/event-stream"

    def __init__(
        self,
        content: AsyncIterable[Any] | Iterable[Any],
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        background: BackgroundTask | None = None,
        ping: float | None = 15.0,
        shutdown_message: ServerSentEvent | Mapping[str, Any] | str | bytes | None = SHUTDOWN,
    ) -> None:
        source = content if isinstance(content, AsyncIterable) else iterate_in_threadpool(content)
        given = {key.lower(): value for key, value in (headers or {}).items()}  # no duplicates
        merged = {"cache-control": "no-cache", "x-accel-buffering": "no", **given}
        farewell = None if shutdown_message is None else _as_event(shutdown_message)
        self._shutdown: asyncio.Event | None = None
        super().__init__(
            self._events(source, ping, farewell), status_code, merged, None, background
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        shutdown = (scope.get("state") or {}).get(SHUTDOWN_STATE_KEY)
        if isinstance(shutdown, asyncio.Event):
            self._shutdown = shutdown
        await super().__call__(scope, receive, send)

    async def _events(
        self, source: AsyncIterable[Any], ping: float | None, farewell: bytes | None
    ) -> AsyncIterator[bytes]:
        iterator = aiter(source)
        pending: asyncio.Future[Any] | None = None
        stopping = None if self._shutdown is None else asyncio.ensure_future(self._shutdown.wait())
        watched: set[asyncio.Future[Any]] = set() if stopping is None else {stopping}
        try:
            while True:
                if self._shutdown is not None and self._shutdown.is_set():
                    if farewell is not None:
                        yield farewell
                    return
                if pending is None:
                    pending = asyncio.ensure_future(anext(iterator))
                done, _ = await asyncio.wait(
                    {pending, *watched}, timeout=ping, return_when=asyncio.FIRST_COMPLETED
                )
                if pending not in done:
                    if not done:
                        yield PING
                    continue
                future, pending = pending, None
                try:
                    item = future.result()
                except StopAsyncIteration:
                    return
                yield _as_event(item)
        finally:
            if stopping is not None:
                stopping.cancel()
            if pending is not None:  # the source is busy: stop it, and let its `finally` finish
                pending.cancel()
                await asyncio.wait((pending,))
            closer = getattr(iterator, "aclose", None)
            if closer is not None:
                await closer()
