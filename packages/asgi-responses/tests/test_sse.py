import asyncio
from collections.abc import AsyncIterator

import pytest
from resp_driver import body_of, call, headers_of

from asgi_responses import EventSourceResponse, ServerSentEvent


def test_event_encoding() -> None:
    event = ServerSentEvent(data="line1\nline2", event="update", id="7", retry=1500, comment="hi")
    assert (
        event.encode() == b": hi\nevent: update\nid: 7\nretry: 1500\ndata: line1\ndata: line2\n\n"
    )
    assert ServerSentEvent(data={"a": 1}).encode() == b'data: {"a": 1}\n\n'
    assert ServerSentEvent(data="").encode() == b"data: \n\n"
    assert ServerSentEvent(comment="").encode() == b": \n\n"


@pytest.mark.parametrize("field", ["event", "id"])
def test_cr_lf_in_event_or_id_is_refused(field: str) -> None:
    with pytest.raises(ValueError, match="CR or LF"):
        ServerSentEvent(data="x", **{field: "a\nb"})


def test_nul_in_id_is_refused() -> None:
    with pytest.raises(ValueError, match="NUL"):
        ServerSentEvent(id="a\x00b")


async def test_stream_of_events_dicts_strings_and_bytes() -> None:
    async def events() -> AsyncIterator[object]:
        yield ServerSentEvent(data="one")
        yield {"data": "two", "event": "e"}
        yield "three"
        yield b": raw\n\n"

    sent = await call(EventSourceResponse(events(), ping=None))
    assert body_of(sent) == b"data: one\n\nevent: e\ndata: two\n\ndata: three\n\n: raw\n\n"
    headers = headers_of(sent)
    assert headers[b"content-type"] == b"text/event-stream; charset=utf-8"
    assert headers[b"cache-control"] == b"no-cache"
    assert headers[b"x-accel-buffering"] == b"no"


async def test_pings_while_the_source_is_quiet() -> None:
    async def slow() -> AsyncIterator[str]:
        await asyncio.sleep(0.12)
        yield "late"

    body = body_of(await call(EventSourceResponse(slow(), ping=0.05)))
    assert body.count(b": ping\n\n") >= 1
    assert body.endswith(b"data: late\n\n")


async def test_sync_sources_work_too() -> None:
    body = body_of(await call(EventSourceResponse(iter(["a", "b"]), ping=None)))
    assert body == b"data: a\n\ndata: b\n\n"


async def test_a_disconnect_cancels_the_pending_read() -> None:
    async def never() -> AsyncIterator[str]:
        await asyncio.sleep(3600)
        yield "never"  # pragma: no cover

    messages = [{"type": "http.request", "body": b""}, {"type": "http.disconnect"}]
    sent = await asyncio.wait_for(
        call(EventSourceResponse(never(), ping=None), None, messages), timeout=2
    )
    assert body_of(sent) == b""
