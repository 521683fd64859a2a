import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest

from asgi_protocol.types import Message
from asgi_requests import (
    BodyAlreadyConsumed,
    BodyTooLarge,
    ClientDisconnect,
    Request,
    empty_receive,
    empty_send,
)


def scope(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"type": "http", "method": "POST", "path": "/", "headers": []}
    base.update(overrides)
    return base


def receiver(*messages: Message) -> Callable[[], Any]:
    queue = list(messages)

    async def receive() -> Message:
        if queue:
            return queue.pop(0)
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")  # pragma: no cover

    return receive


def chunks(*parts: bytes) -> list[Message]:
    return [
        {"type": "http.request", "body": part, "more_body": i < len(parts) - 1}
        for i, part in enumerate(parts)
    ]


async def test_method_and_refusal_of_other_scopes() -> None:
    assert Request(scope()).method == "POST"
    with pytest.raises(ValueError, match="http scope"):
        Request({"type": "websocket", "path": "/", "headers": []})


async def test_body_is_read_once_and_cached() -> None:
    request = Request(scope(), receiver(*chunks(b"ab", b"", b"cd")))
    assert await request.body() == b"abcd"
    assert await request.body() == b"abcd"
    assert [c async for c in request.stream()] == [b"abcd", b""]


async def test_stream_twice_is_a_clear_error() -> None:
    request = Request(scope(), receiver(*chunks(b"x")))
    assert [c async for c in request.stream()] == [b"x", b""]
    with pytest.raises(
        BodyAlreadyConsumed, match="^Stream consumed: .* already been streamed"
    ) as info:
        [c async for c in request.stream()]
    assert "read it whole first: `await request.body()` keeps it" in str(info.value)


async def test_streams_opened_before_the_end_share_the_body() -> None:
    request = Request(scope(), receiver(*chunks(b"1", b"2", b"3")))
    first, second = request.stream(), request.stream()
    assert await first.__anext__() == b"1"
    assert await second.__anext__() == b"2"
    assert await first.__anext__() == b"3"
    # The last message was read: neither stream waits for more (which would hang).
    assert await first.__anext__() == b""
    assert await second.__anext__() == b""
    for stream in (first, second):
        with pytest.raises(StopAsyncIteration):
            await stream.__anext__()
    with pytest.raises(BodyAlreadyConsumed, match="Stream consumed"):
        await request.stream().__anext__()


async def test_disconnect_while_streaming_raises_client_disconnect() -> None:
    request = Request(scope(), receiver({"type": "http.request", "body": b"a", "more_body": True},
                                        {"type": "http.disconnect"}))  # fmt: skip
    with pytest.raises(ClientDisconnect):
        await request.body()
    assert await request.is_disconnected()


async def test_json_is_parsed_once_and_invalid_json_raises_raw() -> None:
    request = Request(scope(), receiver(*chunks(b'{"a": [1, 2]}')))
    assert await request.json() == {"a": [1, 2]}
    assert await request.json() == {"a": [1, 2]}
    bad = Request(scope(), receiver(*chunks(b"{nope")))
    with pytest.raises(json.JSONDecodeError):
        await bad.json()


async def test_max_body_size_raises_413_while_streaming() -> None:
    request = Request(scope(), receiver(*chunks(b"12345", b"67890")), max_body_size=8)
    with pytest.raises(BodyTooLarge) as info:
        await request.body()
    assert info.value.status_code == 413
    assert info.value.detail == "Content Too Large"
    assert info.value.limit == 8
    assert request.receive is not None


async def test_is_disconnected_without_waiting() -> None:
    waiting = Request(scope(), receiver())
    assert not await waiting.is_disconnected()
    pending_body = Request(scope(), receiver(*chunks(b"x")))
    assert not await pending_body.is_disconnected()
    gone = Request(scope(), receiver({"type": "http.disconnect"}))
    assert await gone.is_disconnected()
    assert await gone.is_disconnected()


async def test_push_promise_only_when_offered() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    headers = [(b"accept", b"text/html"), (b"cookie", b"secret=1")]
    plain = Request(scope(headers=headers), receiver(), send)
    await plain.send_push_promise("/style.css")
    assert sent == []
    pushing = Request(
        scope(headers=headers, extensions={"http.response.push": {}}), receiver(), send
    )
    await pushing.send_push_promise("/style.css")
    assert sent == [
        {"type": "http.response.push", "path": "/style.css", "headers": [(b"accept", b"text/html")]}
    ]


async def test_early_hints_only_when_offered_and_never_with_crlf() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    plain = Request(scope(), receiver(), send)
    await plain.send_early_hints("</style.css>; rel=preload; as=style")
    assert sent == []
    hinting = Request(scope(extensions={"http.response.early_hint": {}}), receiver(), send)
    await hinting.send_early_hints("</a.css>; rel=preload", "</b.js>; rel=preload")
    assert sent == [
        {
            "type": "http.response.early_hint",
            "links": [b"</a.css>; rel=preload", b"</b.js>; rel=preload"],
        }
    ]
    for bad in ("</a.css>\r\nSet-Cookie: x=1", "</a>\n", "</a>\0"):
        with pytest.raises(ValueError, match="can't hold CR, LF or NUL"):
            await hinting.send_early_hints("</ok>", bad)
    assert len(sent) == 1
    with pytest.raises(UnicodeEncodeError):
        await hinting.send_early_hints("</é€>")


async def test_empty_channels_fail_clearly() -> None:
    with pytest.raises(RuntimeError, match="Receive channel"):
        await empty_receive()
    with pytest.raises(RuntimeError, match="Send channel"):
        await empty_send({})


async def test_unknown_messages_while_streaming_are_skipped() -> None:
    request = Request(scope(), receiver({"type": "http.other"}, *chunks(b"ok")))
    assert await request.body() == b"ok"


@pytest.mark.parametrize("body", [b"NaN", b"[1, Infinity]", b'{"x": -Infinity}'])
async def test_json_refuses_nan_and_infinity(body: bytes) -> None:
    request = Request(scope(), receiver(*chunks(body)))
    with pytest.raises(ValueError, match="is not valid JSON"):
        await request.json()


def test_client_disconnect_is_the_protocol_type() -> None:
    # Responses raise asgi_protocol's ClientDisconnect; catching ours must catch theirs.
    import asgi_protocol.exceptions
    import asgi_requests

    assert asgi_requests.ClientDisconnect is asgi_protocol.exceptions.ClientDisconnect
