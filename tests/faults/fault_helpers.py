"""Drive ASGI apps directly on the test's own loop: scopes, a recording send, a scripted receive."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from asgi_protocol.types import Message


def http_scope(
    path: str = "/", method: str = "GET", headers: list[tuple[bytes, bytes]] | None = None
) -> dict[str, Any]:
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": b"", "headers": headers or [(b"host", b"testserver")],
        "server": ("testserver", 80), "client": ("127.0.0.1", 1234), "state": {},
    }  # fmt: skip


class Recorder:
    """A `send` that keeps every message."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def __call__(self, message: Message) -> None:
        self.messages.append(message)

    @property
    def status(self) -> int | None:
        starts = [m for m in self.messages if m["type"] == "http.response.start"]
        return starts[0]["status"] if starts else None

    @property
    def body(self) -> bytes:
        return b"".join(
            m.get("body", b"") for m in self.messages if m["type"] == "http.response.body"
        )


def receive_from(messages: list[dict[str, Any]]) -> Callable[[], Any]:
    """Hand out `messages` in order, then wait forever (as a server with nothing more does)."""
    queue = list(messages)

    async def receive() -> dict[str, Any]:
        if queue:
            return queue.pop(0)
        await asyncio.Event().wait()
        raise AssertionError("unreachable")  # pragma: no cover

    return receive


def client_leaving_after(messages_sent: int) -> tuple[Callable[[], Any], Callable[[Any], Any]]:
    """(receive, send) of a client that sends its request, then leaves after that many messages."""
    sent = 0
    requested = False
    gone = asyncio.Event()

    async def send(message: Any) -> None:
        nonlocal sent
        sent += 1
        if sent == messages_sent:
            gone.set()

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    return receive, send
