"""BaseHTTPMiddleware: write middleware as `async def dispatch(request, call_next)`.

For users who want that style; our own middleware is pure ASGI. Promises kept here:
the downstream app can read the body even after dispatch read it; streaming responses stream
(through a bounded queue, so a slow client holds back the app instead of filling memory);
a client disconnect reaches the app; exceptions keep their traceback; background tasks run;
contextvars set in dispatch are seen downstream.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send
from asgi_requests import Request
from asgi_responses import Response

RequestResponseEndpoint = Callable[[Request], Awaitable[Response]]
DispatchFunction = Callable[[Request, RequestResponseEndpoint], Awaitable[Response]]

_QUEUE_SIZE = 16
_END = object()


class _ReplayRequest(Request):
    """A Request whose receive replays a body dispatch has already read, once."""

    _replayed = False

    async def replay_receive(self) -> Message:
        if self._body is not None and not self._replayed:
            self._replayed = True
            return {"type": "http.request", "body": self._body, "more_body": False}
        return await self._receive()  # the body is gone or untouched; next comes the disconnect


class _StreamedResponse(Response):
    """What call_next returns: the downstream app's answer, streamed through a queue.

    Unlike StreamingResponse it doesn't watch receive(): the downstream app owns that channel.
    """

    def __init__(
        self,
        status_code: int,
        raw_headers: list[tuple[bytes, bytes]],
        body: AsyncIterator[bytes],
        debug: Message | None = None,
    ) -> None:
        self.status_code = status_code
        self.raw_headers = raw_headers
        self.body_iterator = body
        self.background = None
        self.debug = debug  # the app's `http.response.debug` message, passed on if we answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.debug is not None:
            await send(self.debug)
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        async for chunk in self.body_iterator:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        if self.background is not None:
            await self.background()


class BaseHTTPMiddleware:
    def __init__(self, app: ASGIApp, dispatch: DispatchFunction | None = None) -> None:
        self.app = app
        self.dispatch_func = self.dispatch if dispatch is None else dispatch

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        raise NotImplementedError()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = _ReplayRequest(scope, receive, send)
        app_task: asyncio.Task[None] | None = None
        # Bounded: a slow client holds the downstream app back instead of filling memory.
        queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=_QUEUE_SIZE)
        abandoned = False
        raised: BaseException | None = None  # what call_next already handed to dispatch

        async def downstream_send(message: Message) -> None:
            if not abandoned:  # once our answer went out, later messages go nowhere
                await queue.put(message)

        async def run_app() -> None:
            try:
                await self.app(scope, request.replay_receive, downstream_send)
            except Exception as exc:
                await queue.put(exc)
                raise
            finally:
                await queue.put(_END)

        async def call_next(req: Request) -> Response:
            nonlocal app_task, raised
            if app_task is not None:
                raise RuntimeError("call_next may only be called once per request.")
            # Created here, inside dispatch: the task copies dispatch's contextvars.
            app_task = asyncio.create_task(run_app())
            first = await queue.get()
            debug: Message | None = None
            if isinstance(first, dict) and first["type"] == "http.response.debug":
                debug, first = first, await queue.get()  # a template's name and context
            if isinstance(first, Exception):
                raised = first
                raise first
            if first is _END or first["type"] != "http.response.start":
                raise RuntimeError("No response returned.")

            async def body() -> AsyncIterator[bytes]:
                while True:
                    item = await queue.get()
                    if isinstance(item, Exception):
                        nonlocal raised
                        raised = item
                        raise item
                    if item is _END:
                        return
                    if item["type"] == "http.response.body":
                        yield item.get("body", b"")
                        if not item.get("more_body", False):
                            return

            headers = list(first.get("headers", ()))
            return _StreamedResponse(first["status"], headers, body(), debug)

        try:
            response = await self.dispatch_func(request, call_next)
            await response(scope, receive, send)
        except BaseException:
            if app_task is not None:
                app_task.cancel()
                await asyncio.gather(app_task, return_exceptions=True)
            raise
        if app_task is not None:
            # The downstream app may still be running its background tasks: let it finish.
            # Later messages are dropped, and emptying the queue frees a send blocked on it
            # (dispatch may have answered without reading call_next's response).
            abandoned = True
            while not queue.empty():
                queue.get_nowait()
            (outcome,) = await asyncio.gather(app_task, return_exceptions=True)
            if isinstance(outcome, Exception) and outcome is not raised:
                raise outcome  # e.g. a background task failed: the server logs it
