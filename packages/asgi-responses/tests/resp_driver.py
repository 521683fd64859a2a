"""Drive a response (any ASGI app) directly and collect what it sent."""

from __future__ import annotations

import asyncio
from typing import Any

from asgi_protocol.types import ASGIApp, Message


def http_scope(
    method: str = "GET", headers: list[tuple[bytes, bytes]] | None = None, **extra: Any
) -> dict[str, Any]:
    scope: dict[str, Any] = {
        "type": "http",
        "method": method,
        "path": "/",
        "headers": headers or [],
    }
    scope.update(extra)
    return scope


async def call(
    app: ASGIApp, scope: dict[str, Any] | None = None, messages: list[Message] | None = None
) -> list[Message]:
    sent: list[Message] = []
    queue = list(messages or [{"type": "http.request", "body": b"", "more_body": False}])

    async def receive() -> Message:
        if queue:
            return queue.pop(0)
        await asyncio.sleep(3600)  # pragma: no cover - cancelled by the response
        raise AssertionError("unreachable")  # pragma: no cover

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope or http_scope(), receive, send)
    return sent


def body_of(sent: list[Message]) -> bytes:
    return b"".join(m.get("body", b"") for m in sent if m["type"].endswith("http.response.body"))


def headers_of(sent: list[Message]) -> dict[bytes, bytes]:
    start = next(m for m in sent if m["type"].endswith("http.response.start"))
    return dict(start["headers"])
