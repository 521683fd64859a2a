import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest
from resp_driver import body_of, call, http_scope

from asgi_protocol.exceptions import ClientDisconnect
from asgi_protocol.types import Receive, Send
from asgi_responses import StreamingResponse
from asgi_tasks import BackgroundTask


async def test_async_and_sync_iterators_stream_in_order() -> None:
    async def numbers() -> AsyncIterator[str | bytes]:
        yield "a"
        yield b"b"
        yield memoryview(b"c")  # type: ignore[misc]

    def sync_parts() -> Iterator[str]:
        yield from ("x", "y")

    sent = await call(StreamingResponse(numbers(), media_type="text/plain"))
    assert body_of(sent) == b"abc"
    assert sent[0]["headers"] == [(b"content-type", b"text/plain; charset=utf-8")]
    assert sent[-1] == {"type": "http.response.body", "body": b"", "more_body": False}
    assert body_of(await call(StreamingResponse(sync_parts()))) == b"xy"


async def test_background_runs_after_the_body() -> None:
    order: list[str] = []

    async def parts() -> AsyncIterator[bytes]:
        order.append("body")
        yield b"x"

    await call(StreamingResponse(parts(), background=BackgroundTask(order.append, "task")))
    assert order == ["body", "task"]


async def test_an_error_in_the_iterator_propagates() -> None:
    async def broken() -> AsyncIterator[bytes]:
        yield b"x"
        raise ValueError("stream broke")

    with pytest.raises(ValueError, match="stream broke"):
        await call(StreamingResponse(broken()))


async def test_client_disconnect_stops_an_endless_stream_promptly() -> None:
    closed = asyncio.Event()
    ran: list[str] = []

    async def endless() -> AsyncIterator[bytes]:
        try:
            while True:
                yield b"tick"
                await asyncio.sleep(0.01)
        finally:
            closed.set()

    messages = [
        {"type": "http.request", "body": b"", "more_body": False},
        {"type": "http.disconnect"},
    ]
    response = StreamingResponse(endless(), background=BackgroundTask(ran.append, "after"))
    await asyncio.wait_for(call(response, http_scope(), messages), timeout=2)
    assert closed.is_set()
    assert ran == ["after"]


async def test_trailers_when_the_server_offers_them() -> None:
    async def parts() -> AsyncIterator[bytes]:
        yield b"data"

    async def trailers() -> dict[str, str]:
        return {"X-Checksum": "abc"}

    scope = http_scope(extensions={"http.response.trailers": {}})
    sent = await call(StreamingResponse(parts(), trailers=trailers), scope)
    assert sent[0]["trailers"] is True
    assert sent[-1] == {
        "type": "http.response.trailers",
        "headers": [(b"x-checksum", b"abc")],
        "more_trailers": False,
    }
    without = await call(StreamingResponse(parts(), trailers=trailers))
    assert "trailers" not in without[0]
    assert all(m["type"] != "http.response.trailers" for m in without)


async def test_trailer_injection_is_refused() -> None:
    async def parts() -> AsyncIterator[bytes]:
        yield b"data"

    async def trailers() -> dict[str, str]:
        return {"x": "a\r\nb"}

    with pytest.raises(ValueError, match="CR, LF or NUL"):
        await call(
            StreamingResponse(parts(), trailers=trailers),
            http_scope(extensions={"http.response.trailers": {}}),
        )


async def test_iterables_without_aclose_are_fine() -> None:
    class Parts:
        def __init__(self) -> None:
            self.items = [b"a", b"b"]

        def __aiter__(self) -> "Parts":
            return self

        async def __anext__(self) -> bytes:
            if not self.items:
                raise StopAsyncIteration
            return self.items.pop(0)

    assert body_of(await call(StreamingResponse(Parts()))) == b"ab"


async def test_a_failed_send_is_a_client_disconnect_from_asgi_2_4() -> None:
    closed: list[bool] = []

    async def endless() -> AsyncIterator[bytes]:
        try:
            while True:
                yield b"chunk"
        finally:
            closed.append(True)

    async def receive() -> dict[str, str]:
        raise AssertionError("2.4 servers report a gone client through send")  # pragma: no cover

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.body":
            raise OSError("gone")

    scope = http_scope(asgi={"spec_version": "2.4"})
    response = StreamingResponse(endless(), background=BackgroundTask(closed.append, False))
    with pytest.raises(ClientDisconnect) as info:
        await response(scope, receive, send)  # type: ignore[arg-type]
    assert isinstance(info.value.__cause__, OSError)
    assert closed == [True]  # the iterator is closed, the background task doesn't run


async def test_a_websocket_denial_streams_websocket_messages() -> None:
    ran: list[bool] = []

    async def parts() -> AsyncIterator[bytes]:
        yield b"no"

    sent = await call(
        StreamingResponse(parts(), status_code=403, background=BackgroundTask(ran.append, True)),
        {"type": "websocket", "path": "/", "headers": []},
    )
    assert [m["type"] for m in sent] == [
        "websocket.http.response.start",
        "websocket.http.response.body",
        "websocket.http.response.body",
    ]
    assert sent[0]["status"] == 403
    assert body_of(sent) == b"no"
    assert ran == [True]


class Framed(StreamingResponse):
    """A subclass written for Starlette: it overrides `stream_response` to frame each chunk."""

    async def stream_response(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        async for chunk in self.body_iterator:
            body = chunk if isinstance(chunk, bytes) else str(chunk).encode()
            await send(
                {"type": "http.response.body", "body": b"[" + body + b"]", "more_body": True}
            )
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def test_a_subclass_overriding_stream_response_is_obeyed() -> None:
    for scope in (http_scope(), http_scope(asgi={"spec_version": "2.4"})):
        assert body_of(await call(Framed(iter([b"a", "b"])), scope)) == b"[a][b]"


async def test_a_subclass_overriding_listen_for_disconnect_is_obeyed() -> None:
    """Before ASGI 2.4 the stream stops when `listen_for_disconnect` returns, whatever it waits
    for: here a client message that says it is done."""

    class StopsOnBye(StreamingResponse):
        async def listen_for_disconnect(self, receive: Receive) -> None:
            while (await receive()).get("body") != b"bye":
                pass

    async def endless() -> AsyncIterator[bytes]:
        while True:
            yield b"tick"
            await asyncio.sleep(0.01)

    messages = [
        {"type": "http.request", "body": b"", "more_body": True},
        {"type": "http.request", "body": b"bye", "more_body": False},
    ]
    # No http.disconnect ever comes: the endless stream ends only because the override said so.
    sent = await asyncio.wait_for(call(StopsOnBye(endless()), http_scope(), messages), timeout=2)
    assert sent[0]["type"] == "http.response.start"
    assert body_of(sent).startswith(b"tick")
