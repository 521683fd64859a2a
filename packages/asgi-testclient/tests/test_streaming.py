"""Responses are read from the running app: `client.stream()`, backpressure, cancellation."""

from __future__ import annotations

import asyncio
import threading
import time
import zlib
from typing import Any

import pytest
from testclient_apps import lifespan_echo, send_response

from asgi_protocol.types import Receive, Scope, Send
from asgi_testclient import TestClient
from asgi_testclient._transport import StreamingBody


def start(headers: list[tuple[bytes, bytes]] | None = None, trailers: bool = False) -> Any:
    return {
        "type": "http.response.start",
        "status": 200,
        "headers": headers or [],
        "trailers": trailers,
    }


def body(data: bytes = b"", more: bool = False) -> Any:
    return {"type": "http.response.body", "body": data, "more_body": more}


def test_stream_returns_at_the_headers_before_the_first_chunk() -> None:
    release = threading.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send(start([(b"x-early", b"1")]))
        assert await asyncio.to_thread(release.wait, 10)
        await send(body(b"late"))

    with TestClient(app).stream("GET", "/") as response:
        assert response.headers["x-early"] == "1"
        release.set()
        assert response.read() == b"late"


def test_the_app_runs_only_as_far_as_the_test_reads() -> None:
    sent: list[int] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send(start())
        for n in range(3):
            await send(body(str(n).encode(), more=True))
            sent.append(n)
        await send(body())

    with TestClient(app).stream("GET", "/") as response:
        chunks = response.iter_raw()
        assert sent == []
        assert next(chunks) == b"0"
        assert next(chunks) == b"1"
        time.sleep(0.05)
        assert sent == [0, 1]  # the app waits in its send of "2" until the test reads it
        assert list(chunks) == [b"2"]
    assert sent == [0, 1, 2]


def test_an_endless_event_stream_is_testable_and_cancelled_on_exit() -> None:
    cancelled = threading.Event()

    async def events(scope: Scope, receive: Receive, send: Send) -> None:
        await send(start([(b"content-type", b"text/event-stream")]))
        n = 0
        try:
            while True:
                await send(body(f"data: {n}\n\n".encode(), more=True))
                n += 1
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with TestClient(events).stream("GET", "/events") as response:
        assert response.headers["content-type"] == "text/event-stream"
        lines = response.iter_lines(decode_unicode=True)
        assert [next(lines) for _ in range(4)] == ["data: 0", "", "data: 1", ""]
    with TestClient(events).stream("GET", "/") as response:
        text = response.iter_text()
        assert next(text) == "data: 0\n\n"
        assert next(text) == "data: 1\n\n"
    assert cancelled.is_set()


@pytest.mark.parametrize("raise_server_exceptions", [True, False])
def test_leaving_a_complete_response_waits_for_background_work(
    raise_server_exceptions: bool,
) -> None:
    done = threading.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send_response(send, b"hello")
        await asyncio.sleep(0.05)
        done.set()
        raise RuntimeError("background failure")

    client = TestClient(app, raise_server_exceptions=raise_server_exceptions)
    if raise_server_exceptions:
        with pytest.raises(RuntimeError, match="background failure"):  # noqa: SIM117
            with client.stream("GET", "/") as response:
                assert next(response.iter_raw()) == b"hello"
        with pytest.raises(RuntimeError, match="background failure"):
            client.get("/")  # a whole read waits and raises too
    else:
        with client.stream("GET", "/") as response:
            assert next(response.iter_raw()) == b"hello"
        assert client.get("/").text == "hello"
    assert done.is_set()


def test_an_error_in_the_block_is_not_hidden_by_the_apps() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send_response(send, b"x")
        raise RuntimeError("the app's")

    with pytest.raises(KeyError, match="the test's"), TestClient(app).stream("GET", "/"):
        raise KeyError("the test's")


@pytest.mark.parametrize("trailers", [True, False])
def test_leaving_an_unfinished_response_cancels_the_app(trailers: bool) -> None:
    cancelled = threading.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send(start(trailers=trailers))
        await send(body(b"hello", more=not trailers))
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with TestClient(app).stream("GET", "/") as response:
        assert next(response.iter_raw()) == b"hello"
    assert cancelled.is_set()


def test_trailers_show_up_in_the_extensions_as_they_arrive() -> None:
    sent = threading.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send(start(trailers=True))
        await send(body(b"hello"))
        await send({"type": "http.response.trailers", "headers": [(b"x-item", b"one")]})
        sent.set()
        await asyncio.sleep(0.01)

    with TestClient(app).stream("GET", "/") as response:
        assert next(response.iter_raw()) == b"hello"
        assert sent.wait(10)
        assert response.extensions["http.response.trailers"] == [(b"x-item", b"one")]
        assert response.raw.trailers["X-Item"] == "one"


@pytest.mark.parametrize(("method", "chunk"), [("GET", b""), ("HEAD", b"chunk")])
def test_empty_and_head_bodies_yield_nothing(method: str, chunk: bytes) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send(start())
        for _ in range(5):
            await send(body(chunk, more=True))
        await send(body())

    with TestClient(app).stream(method, "/") as response:
        assert list(response.iter_raw()) == []
    with TestClient(app).stream(method, "/") as response:
        assert response.read() == b""


def test_raw_chunks_stay_encoded_bytes_are_decoded_incrementally() -> None:
    compressor = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
    parts = [compressor.compress(b"a" * 500), compressor.compress(b"b" * 500), compressor.flush()]

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send(start([(b"content-encoding", b"gzip")]))
        for part in parts:
            await send(body(part, more=True))
        await send(body())

    client = TestClient(app)
    with client.stream("GET", "/") as response:
        assert b"".join(response.iter_raw()) == b"".join(parts)
    with client.stream("GET", "/") as response:
        assert response.read() == b"a" * 500 + b"b" * 500
        assert list(response.iter_raw()) == [b"a" * 500 + b"b" * 500]  # read: the content
    with client.stream("GET", "/") as response:
        assert b"".join(response.iter_bytes()) == b"a" * 500 + b"b" * 500
    response = client.get("/", stream=True)
    assert isinstance(response.raw, StreamingBody)
    assert response.raw.read(3) == b"aaa"
    assert response.raw.read(2) == b"aa"
    assert response.raw.read() == b"a" * 495 + b"b" * 500
    assert response.raw.read() == b""
    assert response.raw.closed


def test_stream_chunk_size_splits_big_chunks() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send_response(send, b"abcdefg")

    with TestClient(app).stream("GET", "/") as response:
        assert list(response.iter_raw(3)) == [b"abc", b"def", b"g"]
    with TestClient(app).stream("GET", "/") as response:
        assert list(response.iter_bytes(5)) == [b"abcde", b"fg"]
    with TestClient(app).stream("GET", "/") as response:
        assert list(response.iter_raw(0)) == [b"abcdefg"]


def test_closing_the_client_cancels_responses_left_open() -> None:
    cancelled = threading.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan_echo(scope, receive, send)
            return
        await send(start())
        await send(body(b"hello", more=True))
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with TestClient(app) as client:
        response = client.send(client.build_request("GET", "/"), stream=True)
        assert next(response.iter_raw()) == b"hello"
    assert cancelled.is_set()


def test_session_wide_stream_default() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send_response(send, b"body")

    client = TestClient(app)
    assert not client.stream
    assert client.stream == False  # noqa: E712 - requests compares the setting as a bool
    assert client.stream != "other"
    assert repr(client.stream) == "False"
    client.stream = True
    assert client.stream
    response = client.get("/")
    assert not response._content_consumed
    assert response.content == b"body"


def test_no_response_without_raising_is_a_500() -> None:
    async def silent(scope: Scope, receive: Receive, send: Send) -> None:
        return None

    response = TestClient(silent, raise_server_exceptions=False).get("/")
    assert response.status_code == 500
    assert response.content == b""
    assert response.headers == {}
    assert list(response.iter_raw()) == []


def test_iter_text_keeps_characters_split_across_chunks() -> None:
    data = "é€".encode()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send(start([(b"content-type", b"text/plain; charset=utf-8")]))
        for n in range(len(data)):
            await send(body(data[n : n + 1], more=True))
        await send(body(b"\xe2"))  # a character cut short at the very end

    with TestClient(app).stream("GET", "/") as response:
        assert "".join(response.iter_text()) == "é€\ufffd"
    with TestClient(app).stream("GET", "/") as response:
        assert list(response.iter_text(2))[:2] == ["é", "€"]

    async def plain(scope: Scope, receive: Receive, send: Send) -> None:
        await send_response(send, b"abc")

    assert list(TestClient(plain).get("/").iter_text()) == ["abc"]


def test_an_app_that_swallows_the_cancellation_is_not_fed() -> None:
    async def stubborn(scope: Scope, receive: Receive, send: Send) -> None:
        await send(start())
        try:
            await send(body(b"one", more=True))
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            await send(body(b"ignored", more=True))  # after the test left: goes nowhere

    with TestClient(stubborn).stream("GET", "/") as response:
        assert next(response.iter_raw()) == b"one"


def test_calling_the_client_from_inside_its_own_block_is_an_error() -> None:
    holder: list[TestClient] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan_echo(scope, receive, send)
            return
        holder[0].get("/")  # blocks on the loop it runs on: refused, not a deadlock

    with TestClient(app) as client:
        holder.append(client)
        with pytest.raises(RuntimeError, match="called from inside the app it drives"):
            client.get("/")
