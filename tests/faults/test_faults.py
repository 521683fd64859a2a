"""Faults inside the app and from the outside: errors surface clearly, nothing is left running."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from fault_helpers import Recorder, client_leaving_after, http_scope, receive_from

from asgi_protocol.types import Message
from asgi_toolkit import App
from asgi_toolkit.background import BackgroundTask
from asgi_toolkit.middleware import Middleware
from asgi_toolkit.middleware.base import BaseHTTPMiddleware
from asgi_toolkit.requests import Request
from asgi_toolkit.responses import PlainTextResponse, Response, StreamingResponse
from asgi_toolkit.routing import Route

pytestmark = pytest.mark.usefixtures("no_task_leaks")

REQUEST = {"type": "http.request", "body": b"", "more_body": False}


class Boom(Exception):
    pass


async def test_exception_in_a_streaming_body_propagates_after_the_start() -> None:
    closed: list[bool] = []

    async def body() -> AsyncIterator[bytes]:
        try:
            yield b"first"
            raise Boom("mid-stream")
        finally:
            closed.append(True)

    async def endpoint(request: Request) -> Response:
        return StreamingResponse(body())

    send = Recorder()
    with pytest.raises(Boom):
        await App(routes=[Route("/", endpoint)])(http_scope(), receive_from([REQUEST]), send)
    assert send.status == 200
    assert send.body == b"first"
    assert closed == [True]


async def test_exception_in_a_background_task_comes_after_the_full_response() -> None:
    def fail() -> None:
        raise Boom("background")

    async def endpoint(request: Request) -> Response:
        return PlainTextResponse("done", background=BackgroundTask(fail))

    send = Recorder()
    with pytest.raises(Boom):
        await App(routes=[Route("/", endpoint)])(http_scope(), receive_from([REQUEST]), send)
    assert send.status == 200
    assert send.body == b"done"
    assert send.messages[-1].get("more_body", False) is False


async def lifespan_messages(app: Any) -> list[Message]:
    incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outgoing: list[Message] = []
    await incoming.put({"type": "lifespan.startup"})

    async def send(message: Message) -> None:
        outgoing.append(message)
        if message["type"] == "lifespan.startup.complete":
            await incoming.put({"type": "lifespan.shutdown"})

    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    with contextlib.suppress(Boom):
        await asyncio.wait_for(app(scope, incoming.get, send), 5)
    return outgoing


async def test_exception_in_lifespan_startup_is_reported_as_failed() -> None:
    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        raise Boom("startup")
        yield  # type: ignore[unreachable]  # pragma: no cover

    messages = await lifespan_messages(App(lifespan=lifespan))
    assert [m["type"] for m in messages] == ["lifespan.startup.failed"]
    assert "startup" in messages[0]["message"]


async def test_exception_in_lifespan_shutdown_is_reported_as_failed() -> None:
    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        yield
        raise Boom("shutdown")

    messages = await lifespan_messages(App(lifespan=lifespan))
    assert [m["type"] for m in messages] == [
        "lifespan.startup.complete",
        "lifespan.shutdown.failed",
    ]
    assert "shutdown" in messages[1]["message"]


def fail_now() -> None:
    raise Boom("hook")


async def test_exception_in_an_on_startup_hook_is_reported_as_failed() -> None:
    messages = await lifespan_messages(App(on_startup=[fail_now]))
    assert [m["type"] for m in messages] == ["lifespan.startup.failed"]
    assert "hook" in messages[0]["message"]


async def test_exception_in_an_on_shutdown_hook_is_reported_as_failed() -> None:
    messages = await lifespan_messages(App(on_shutdown=[fail_now]))
    assert [m["type"] for m in messages] == [
        "lifespan.startup.complete",
        "lifespan.shutdown.failed",
    ]
    assert "hook" in messages[1]["message"]


async def ok(request: Request) -> Response:
    return PlainTextResponse("ok")


async def test_exception_in_basehttpmiddleware_dispatch_gives_500() -> None:
    class Failing(BaseHTTPMiddleware):
        async def dispatch(self, request: Any, call_next: Any) -> Response:
            raise Boom("middleware")

    app = App(routes=[Route("/", ok)], middleware=[Middleware(Failing)])
    send = Recorder()
    with pytest.raises(Boom):
        await app(http_scope(), receive_from([REQUEST]), send)
    assert send.status == 500


async def test_exception_in_basehttpmiddleware_after_call_next_gives_500() -> None:
    class Failing(BaseHTTPMiddleware):
        async def dispatch(self, request: Any, call_next: Any) -> Response:
            await call_next(request)
            raise Boom("after")

    app = App(routes=[Route("/", ok)], middleware=[Middleware(Failing)])
    send = Recorder()
    with pytest.raises(Boom):
        await app(http_scope(), receive_from([REQUEST]), send)
    assert send.status == 500


async def test_exception_in_pure_asgi_middleware_gives_500() -> None:
    class Failing:
        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                raise Boom("asgi middleware")
            await self.app(scope, receive, send)  # pragma: no cover

    app = App(routes=[Route("/", ok)], middleware=[Middleware(Failing)])
    send = Recorder()
    with pytest.raises(Boom):
        await app(http_scope(), receive_from([REQUEST]), send)
    assert send.status == 500
    assert send.body == b"Internal Server Error"


async def test_client_disconnect_mid_response_stops_an_endless_stream() -> None:
    closed: list[bool] = []

    async def endless() -> AsyncIterator[bytes]:
        try:
            while True:
                yield b"x" * 1024
                await asyncio.sleep(0)
        finally:
            closed.append(True)

    async def endpoint(request: Request) -> Response:
        return StreamingResponse(endless())

    receive, send = client_leaving_after(5)
    app = App(routes=[Route("/", endpoint)])
    await asyncio.wait_for(app(http_scope(), receive, send), 5)
    assert closed == [True]


async def test_client_disconnect_closes_a_sync_generator_stream() -> None:
    closed = threading.Event()

    def endless() -> Iterator[bytes]:  # sync: pulled in the thread pool
        try:
            while True:
                yield b"x" * 1024
        finally:
            closed.set()  # e.g. a file or a database cursor released

    rows = endless()  # still referenced here: only an explicit close runs its `finally`

    async def endpoint(request: Request) -> Response:
        return StreamingResponse(rows)

    receive, send = client_leaving_after(5)
    app = App(routes=[Route("/", endpoint)])
    await asyncio.wait_for(app(http_scope(), receive, send), 5)
    assert await asyncio.to_thread(closed.wait, 5)


async def test_send_failing_mid_response_ends_the_request() -> None:
    closed: list[bool] = []

    async def endless() -> AsyncIterator[bytes]:
        try:
            while True:
                yield b"x"
                await asyncio.sleep(0)
        finally:
            closed.append(True)

    async def endpoint(request: Request) -> Response:
        return StreamingResponse(endless())

    count = 0

    async def send(message: Message) -> None:
        nonlocal count
        count += 1
        if count > 3:
            raise OSError("connection reset")

    app = App(routes=[Route("/", endpoint)])
    with pytest.raises(OSError):
        await asyncio.wait_for(app(http_scope(), receive_from([REQUEST]), send), 5)
    assert closed == [True]


async def test_server_cancelling_a_request_cleans_up() -> None:
    started = asyncio.Event()
    cleaned: list[str] = []

    async def slow(request: Request) -> Response:
        started.set()
        try:
            await asyncio.sleep(30)
        finally:
            cleaned.append("endpoint")
        return PlainTextResponse("late")  # pragma: no cover

    app = App(routes=[Route("/", slow)])
    task = asyncio.ensure_future(app(http_scope(), receive_from([REQUEST]), Recorder()))
    await asyncio.wait_for(started.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cleaned == ["endpoint"]


async def test_server_cancelling_a_streaming_response_cleans_up() -> None:
    closed: list[bool] = []
    streaming = asyncio.Event()

    async def endless() -> AsyncIterator[bytes]:
        try:
            while True:
                streaming.set()
                yield b"x"
                await asyncio.sleep(0.001)
        finally:
            closed.append(True)

    async def endpoint(request: Request) -> Response:
        return StreamingResponse(endless())

    app = App(routes=[Route("/", endpoint)])
    task = asyncio.ensure_future(app(http_scope(), receive_from([REQUEST]), Recorder()))
    await asyncio.wait_for(streaming.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0)
    assert closed == [True]
