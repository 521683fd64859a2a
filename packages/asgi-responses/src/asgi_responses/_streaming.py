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
    wait_for_disconnect,
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

    `stream_response(send)` and `listen_for_disconnect(receive)` are Starlette's two halves, by
    their names, so a subclass written for Starlette that overrides one is still obeyed.
    """

    #: Whether this answer ends with trailers (decided per call, from the server's extensions).
    _send_trailers = False

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

    async def listen_for_disconnect(self, receive: Receive) -> None:
        """Return once the client has gone (`http.disconnect`): the stream then stops."""
        await wait_for_disconnect(receive)

    async def stream_response(self, send: Send) -> None:
        """Send the start, every chunk, the end, and the trailers when they are due."""
        with_trailers = self._send_trailers
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
        is_http = scope["type"] == "http"
        self._send_trailers = (
            is_http and self.trailers is not None and "http.response.trailers" in extensions
        )
        try:
            if not is_http:  # a denial response to a websocket handshake
                await self.stream_response(websocket_denial_send(send))
            elif send_fails_on_disconnect(scope):
                await send_or_client_disconnect(self.stream_response(send), scope)
            else:
                await send_until_disconnect(
                    self.stream_response(send), receive, self.listen_for_disconnect
                )
        finally:
            closer = getattr(self.body_iterator, "aclose", None)
            if closer is not None:
                await closer()
        if self.background is not None:
            await self.background()
