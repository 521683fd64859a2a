"""A tiny in-process lifespan driver, so these tests need no server and no test client."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from asgi_protocol.types import ASGIApp, Message


async def _drive(
    app: ASGIApp, incoming: list[str], state: dict[str, Any] | None = None
) -> tuple[list[Message], BaseException | None]:
    """Feed lifespan `incoming` message types to `app`; return what it sent and what it raised."""
    queue = [{"type": t} for t in incoming]
    sent: list[Message] = []

    async def receive() -> Message:
        return queue.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    scope: dict[str, Any] = {"type": "lifespan", "asgi": {"version": "3.0"}}
    if state is not None:
        scope["state"] = state
    try:
        await app(scope, receive, send)
    except BaseException as exc:
        return sent, exc
    return sent, None


Driver = Callable[..., Awaitable[tuple[list[Message], BaseException | None]]]


@pytest.fixture
def drive() -> Driver:
    return _drive
