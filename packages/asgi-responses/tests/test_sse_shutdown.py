"""An event stream ends by itself on the app's shutdown signal, its source closed first."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from resp_driver import body_of, call, http_scope

from asgi_protocol.datastructures import SHUTDOWN_STATE_KEY
from asgi_responses import EventSourceResponse, ServerSentEvent


def endless(log: list[str]) -> AsyncIterator[str]:
    async def events() -> AsyncIterator[str]:
        try:
            while True:
                yield "tick"
                await asyncio.sleep(0.01)
        finally:
            await asyncio.sleep(0.01)  # a cleanup that awaits
            log.append("finally")

    return events()


def scope_with(shutdown: Any) -> dict[str, Any]:
    return http_scope(state={SHUTDOWN_STATE_KEY: shutdown})


async def test_the_stream_ends_with_a_comment_once_the_signal_is_set() -> None:
    shutdown = asyncio.Event()
    log: list[str] = []
    asyncio.get_running_loop().call_later(0.05, shutdown.set)
    sent = await call(EventSourceResponse(endless(log), ping=None), scope_with(shutdown))
    body = body_of(sent)
    assert body.startswith(b"data: tick\n\n")
    assert body.endswith(b"data: tick\n\n: shutdown\n\n")
    assert sent[-1] == {"type": "http.response.body", "body": b"", "more_body": False}
    assert log == ["finally"]  # ran before the response returned


async def test_a_signal_already_set_sends_only_the_last_message() -> None:
    shutdown = asyncio.Event()
    shutdown.set()
    log: list[str] = []
    message = ServerSentEvent(comment="restarting", retry=5000)
    response = EventSourceResponse(endless(log), ping=None, shutdown_message=message)
    sent = await call(response, scope_with(shutdown))
    assert body_of(sent) == b": restarting\nretry: 5000\n\n"
    assert log == []  # never started: nothing to clean up


async def test_no_last_message_when_none_is_wanted() -> None:
    shutdown = asyncio.Event()
    log: list[str] = []
    asyncio.get_running_loop().call_later(0.03, shutdown.set)
    response = EventSourceResponse(endless(log), ping=0.005, shutdown_message=None)
    body = body_of(await call(response, scope_with(shutdown)))
    assert body.endswith((b"data: tick\n\n", b": ping\n\n"))
    assert log == ["finally"]


async def test_a_quiet_source_is_stopped_while_it_waits() -> None:
    shutdown = asyncio.Event()
    log: list[str] = []

    async def quiet() -> AsyncIterator[str]:
        try:
            await asyncio.Event().wait()
            yield "never"  # pragma: no cover
        finally:
            log.append("finally")

    asyncio.get_running_loop().call_later(0.02, shutdown.set)
    body = body_of(await call(EventSourceResponse(quiet(), ping=None), scope_with(shutdown)))
    assert body == b": shutdown\n\n"
    assert log == ["finally"]


async def test_a_state_value_that_is_no_event_is_not_a_signal() -> None:
    body = body_of(await call(EventSourceResponse(iter(["a"]), ping=None), scope_with("mine")))
    assert body == b"data: a\n\n"
