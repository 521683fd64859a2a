"""StreamingResponse: a body produced piece by piece, stopped when the client goes away."""

from __future__ import annotations

from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Mapping
from typing import Any

from asgi_protocol.concurrency import iterate_in_threadpool
from asgi_protocol.datastructures import encode_header_value
from asgi_protocol.types import Receive, Scope, Send
from asgi_responses._base import Response, websocket_denial_send
from asgi_responses._disconnect import (
    send_fails_on_disconnect,
    send_or_client_disconnect,
    send_until_disconnect,
)
from asgi_tasks import BackgroundTask

Content = str | bytes | memoryview
SyncContentStream = Iterable[Content]
AsyncContentStream = AsyncIterable[Content]
ContentStream = AsyncContentStream | SyncContentStream
TrailersCallback = Callable[[], Awaitable[Mapping[str, str]]]


class StreamingResponse(Response):
    """Streams `content` (an async iterable, or a sync one pulled in the thread pool).

    An endless stream stops producing as soon as the client leaves: before ASGI 2.4 by watching
    `receive()` for `http.disconnect`, from 2.4 on when a send fails (raised as
    ClientDisconnect). Its iterator is closed either way. `trailers`, an async callable returning
    headers, is sent as `http.response.trailers` when the server offers that extension.
    """

    def __init__(
        self,
        content: ContentStream,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
        trailers: TrailersCallback | None = None,
    ) -> None:
        if isinstance(content, AsyncIterable):
            self.body_iterator: AsyncContentStream = content
        else:
            self.body_iterator = iterate_in_threadpool(content)
        self.status_code = status_code
        if media_type is not None:
            self.media_type = media_type
        self.background = background
        self.trailers = trailers
        self.init_headers(headers)

    def _encode(self, chunk: Content) -> bytes:
        if isinstance(chunk, str):
            return chunk.encode(self.charset)
        return bytes(chunk)

    async def _stream(self, send: Send, with_trailers: bool) -> None:
        start: dict[str, Any] = {
            "type": "http.response.start",
            "status": self.status_code,
            "headers": self.raw_headers,
        }
        if with_trailers:
            start["trailers"] = True
        await send(start)
        async for chunk in self.body_iterator:
            await send(
                {"type": "http.response.body", "body": self._encode(chunk), "more_body": True}
            )
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        if with_trailers:
            assert self.trailers is not None
            trailers = await self.trailers()
            raw = [
                (encode_header_value(k, what="name").lower(), encode_header_value(v))
                for k, v in trailers.items()
            ]
            await send({"type": "http.response.trailers", "headers": raw, "more_trailers": False})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        extensions = scope.get("extensions") or {}
        with_trailers = self.trailers is not None and "http.response.trailers" in extensions
        try:
            if scope["type"] != "http":  # a denial response to a websocket handshake
                await self._stream(websocket_denial_send(send), with_trailers=False)
            elif send_fails_on_disconnect(scope):
                await send_or_client_disconnect(self._stream(send, with_trailers), scope)
            else:
                await send_until_disconnect(self._stream(send, with_trailers), receive)
        finally:
            closer = getattr(self.body_iterator, "aclose", None)
            if closer is not None:
                await closer()
        if self.background is not None:
            await self.background()
