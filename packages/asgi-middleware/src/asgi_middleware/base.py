"""BaseHTTPMiddleware: write middleware as `async def dispatch(request, call_next)`.

For users who want that style; our own middleware is pure ASGI. Promises kept here:
the downstream app can read the body even after dispatch read it; streaming responses stream
(one message at a time, so a slow client holds back the app instead of filling memory);
a client disconnect reaches the app, and so does the end of the response (as a disconnect);
exceptions keep their traceback; background tasks run after the response is sent, never
before its last byte; contextvars set in dispatch are seen downstream.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send
from asgi_requests import Request
from asgi_responses import NotAResponse, Response, send_or_client_disconnect

# What a dispatch that answers None forgot, most of the time.
_NO_RESPONSE = "did you forget `return`? Return `await call_next(request)`, or a Response of yours"

RequestResponseEndpoint = Callable[[Request], Awaitable[Response]]
DispatchFunction = Callable[[Request, RequestResponseEndpoint], Awaitable[Response]]


def _disconnect() -> Message:
    return {"type": "http.disconnect"}  # a new dict each time: apps may change what they get


def _is_last(message: Message) -> bool:
    """The message that ends a response: the last body chunk, or a pathsend."""
    kind = message["type"]
    return kind == "http.response.pathsend" or (
        kind == "http.response.body" and not message.get("more_body", False)
    )


class _ReplayRequest(Request):
    """The Request dispatch sees; the downstream app reads the body through it, so both agree.

    What dispatch read of the body is replayed to the app: all of it after body(), an empty last
    chunk after a whole stream() (those chunks are gone), the rest of the stream otherwise.
    A disconnect seen by either side is seen by both, without asking the client twice.
    """

    _body_complete = False  # the last http.request message came from the client
    _app_has_body = False  # the downstream app got its last http.request message
    _app_disconnected = False  # the downstream app got http.disconnect

    def __init__(self, scope: Scope, receive: Receive, send: Send) -> None:
        super().__init__(scope, self._pull, send)
        self._upstream = receive

    async def _pull(self) -> Message:
        """The client's next message, noting what it says about the body and the connection."""
        message = await self._upstream()
        if message["type"] == "http.disconnect":
            self._is_disconnected = True
        elif message["type"] == "http.request" and not message.get("more_body", False):
            self._body_complete = True
        return message

    def ready_for_app(self) -> Message | None:
        """The app's next message if it is known without asking the client; else None."""
        if self._app_disconnected:
            return _disconnect()
        if not self._app_has_body:
            if self._body is not None:  # read whole by dispatch: it is even after a disconnect
                self._app_has_body = True
                return {"type": "http.request", "body": self._body, "more_body": False}
            if self._body_complete:  # streamed whole by dispatch: nothing is left for the app
                self._app_has_body = True
                return {"type": "http.request", "body": b"", "more_body": False}
        if self._is_disconnected:
            self._app_disconnected = True
            return _disconnect()
        return None

    async def pull_for_app(self) -> Message:
        """The client's next message, taken for the app.

        Once the app has the last of the body, the request's stream is consumed: a stream
        dispatch has open ends there, and a new one refuses to start.
        """
        message = await self._pull()
        if message["type"] == "http.disconnect":
            self._app_disconnected = True
        elif message["type"] == "http.request" and not message.get("more_body", False):
            self._app_has_body = True
            self._stream_consumed = True
        return message

    async def receive_for_app(self) -> Message:
        message = self.ready_for_app()
        return message if message is not None else await self.pull_for_app()


class _Pipe:
    """The downstream app's messages on their way to call_next's response, one at a time.

    A send waits while a message is still untaken, so the app can't run ahead of the client.
    Once the app is done, `get` answers None after the last message.
    """

    def __init__(self) -> None:
        self._queue: asyncio.Queue[Message | None] = asyncio.Queue(maxsize=1)
        self._closed = False

    async def put(self, message: Message) -> None:
        await self._queue.put(message)

    async def get(self) -> Message | None:
        if self._closed and self._queue.empty():
            return None
        return await self._queue.get()

    def close(self) -> None:
        self._closed = True
        if not self._queue.full():  # else the reader takes the last message, then sees the end
            self._queue.put_nowait(None)

    def discard(self) -> None:
        """Drop the untaken message: frees an app blocked on a response nobody reads."""
        while not self._queue.empty():
            self._queue.get_nowait()


class _StreamedResponse(Response):
    """What call_next returns: the downstream app's answer, streamed from the pipe.

    Unlike StreamingResponse it doesn't watch receive(): the downstream app owns that channel.
    `body_iterator` yields bytes, and a pathsend message as it is (a file the server sends).
    """

    def __init__(
        self,
        status_code: int,
        raw_headers: list[tuple[bytes, bytes]],
        body: AsyncIterator[bytes | Message],
        debug: Message | None = None,
    ) -> None:
        self.status_code = status_code
        self.raw_headers = raw_headers
        self.body_iterator = body
        self.background = None
        self.debug = debug  # the app's `http.response.debug` message, passed on if we answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send_or_client_disconnect(self._send_all(send), scope)
        if self.background is not None:
            await self.background()

    async def _send_all(self, send: Send) -> None:
        if self.debug is not None:
            await send(self.debug)
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        finished = False
        async for chunk in self.body_iterator:
            if isinstance(chunk, dict):
                await send(chunk)
                finished = True
            else:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        if not finished:
            await send({"type": "http.response.body", "body": b"", "more_body": False})


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
        pipe = _Pipe()
        # Done once our response is out: the app's receive answers http.disconnect from then
        # on, its sends go nowhere, and its last send returns (its background tasks may run).
        sent: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        app_task: asyncio.Task[None] | None = None
        failure: Exception | None = None  # what the downstream app raised
        raised = False  # whether call_next already handed `failure` to dispatch

        async def app_receive() -> Message:
            if sent.done():
                return _disconnect()
            message = request.ready_for_app()
            if message is not None:
                return message
            pull = asyncio.ensure_future(request.pull_for_app())
            try:
                await asyncio.wait((pull, sent), return_when=asyncio.FIRST_COMPLETED)
            except asyncio.CancelledError:
                pull.cancel()  # the app was cancelled: its wait on the client goes with it
                raise
            if not pull.done():
                pull.cancel()
                await asyncio.gather(pull, return_exceptions=True)
                return _disconnect()
            return pull.result()

        async def app_send(message: Message) -> None:
            if sent.done():
                await asyncio.sleep(0)  # dropped, but still a yield: a looping app can be cancelled
                return
            await pipe.put(message)
            if _is_last(message):
                await asyncio.wait((sent,))  # the app's background work waits for our last byte

        async def run_app() -> None:
            nonlocal failure
            try:
                await self.app(scope, app_receive, app_send)
            except Exception as exc:
                failure = exc
            finally:
                pipe.close()

        def hand_over(exc: Exception) -> Exception:
            """The app's exception, to raise in dispatch (and not once more at the end)."""
            nonlocal raised
            raised = True
            return exc

        async def body() -> AsyncIterator[bytes | Message]:
            while (message := await pipe.get()) is not None:
                if message["type"] == "http.response.pathsend":
                    yield message
                    return
                if message["type"] == "http.response.body":
                    chunk = message.get("body", b"")
                    if chunk:
                        yield chunk
                    if not message.get("more_body", False):
                        return
            if failure is not None:
                raise hand_over(failure)

        async def call_next(req: Request) -> Response:
            nonlocal app_task
            if app_task is not None:
                raise RuntimeError("call_next may only be called once per request.")
            # Created here, inside dispatch: the task copies dispatch's contextvars.
            app_task = asyncio.create_task(run_app())
            debug: Message | None = None
            while (message := await pipe.get()) is not None:
                if message["type"] == "http.response.early_hint":
                    await send(message)  # hints are worth something only before the answer
                elif message["type"] == "http.response.debug":
                    debug = message  # a template's name and context
                else:
                    break
            if message is None and failure is not None:
                raise hand_over(failure)
            if message is None or message["type"] != "http.response.start":
                raise RuntimeError("No response returned.")
            headers = list(message.get("headers", ()))
            return _StreamedResponse(message["status"], headers, body(), debug)

        try:
            response = await self.dispatch_func(request, call_next)
            if NotAResponse.explains(response):
                raise NotAResponse(
                    getattr(self.dispatch_func, "__qualname__", "dispatch"),
                    response,
                    fix=_NO_RESPONSE if response is None else None,
                )
            await response(scope, request.receive_for_app, send)
        except BaseException:
            if app_task is not None:
                app_task.cancel()
                await asyncio.gather(app_task, return_exceptions=True)
            raise
        finally:
            sent.set_result(None)
        if app_task is not None:
            pipe.discard()  # dispatch may have answered without reading the app's response
            await app_task  # its background tasks, if any, run to the end
            if failure is not None and not raised:
                raise failure  # e.g. a background task failed: the server logs it


__all__ = ["BaseHTTPMiddleware"]
