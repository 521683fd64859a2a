"""The disconnect watch shared by StreamingResponse and FileResponse."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from asgi_protocol.exceptions import ClientDisconnect
from asgi_protocol.types import Message
from asgi_responses import send_or_client_disconnect
from asgi_responses._disconnect import send_fails_on_disconnect, send_until_disconnect


@pytest.mark.parametrize(
    ("asgi", "expected"),
    [
        (None, False),
        ({}, False),
        ({"version": "3.0"}, False),
        ({"spec_version": "2.3"}, False),
        ({"spec_version": "2.4"}, True),
        ({"spec_version": "2.10"}, True),  # compared as numbers, not as text
        ({"spec_version": "3.0"}, True),
        ({"spec_version": "2.x"}, False),  # odd versions get the old, safe rules
        ({"spec_version": "2"}, False),
    ],
)
def test_send_fails_on_disconnect(asgi: dict[str, str] | None, expected: bool) -> None:
    scope: dict[str, Any] = {"type": "http"}
    if asgi is not None:
        scope["asgi"] = asgi
    assert send_fails_on_disconnect(scope) is expected


async def never() -> Message:
    await asyncio.Event().wait()
    raise AssertionError  # pragma: no cover


async def test_the_sender_finishing_first_is_no_disconnect() -> None:
    async def sending() -> None:
        await asyncio.sleep(0)

    assert await send_until_disconnect(sending(), never) is False


async def test_a_receive_that_answers_at_once_does_not_starve_the_sender() -> None:
    async def chatty() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def sending() -> None:
        for _ in range(3):
            await asyncio.sleep(0)

    assert await asyncio.wait_for(send_until_disconnect(sending(), chatty), 2) is False


async def test_errors_of_receive_propagate() -> None:
    async def broken() -> Message:
        raise ValueError("receive broke")

    with pytest.raises(ValueError, match="receive broke"):
        await send_until_disconnect(asyncio.Event().wait(), broken)  # type: ignore[arg-type]


async def test_cleanup_finishes_even_when_cancelled_again() -> None:
    """The sender's cleanup spans several awaits; repeated cancels must not cut it short."""
    cleaned: list[bool] = []
    started = asyncio.Event()

    async def sending() -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        finally:
            for _ in range(5):
                await asyncio.sleep(0)
            cleaned.append(True)

    task = asyncio.ensure_future(send_until_disconnect(sending(), never))
    await started.wait()
    task.cancel()
    for _ in range(3):
        await asyncio.sleep(0)
        task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cleaned == [True]


async def refused() -> None:
    raise OSError("broken pipe")


async def test_a_send_failing_under_asgi_2_4_is_a_client_disconnect() -> None:
    with pytest.raises(ClientDisconnect) as info:
        await send_or_client_disconnect(refused(), {"asgi": {"spec_version": "2.4"}})
    assert isinstance(info.value.__cause__, OSError)
    # Before 2.4 a server doesn't promise the OSError: it stays what it is.
    with pytest.raises(OSError, match="broken pipe"):
        await send_or_client_disconnect(refused(), {"asgi": {"spec_version": "2.3"}})
