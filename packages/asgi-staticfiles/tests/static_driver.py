"""Drive an ASGI app with raw messages: enough for these tests, no client needed."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from asgi_protocol.types import ASGIApp, Message


@dataclass
class Result:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


async def call(
    app: ASGIApp,
    path: str = "/",
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    raw_path: bytes | None = None,
    root_path: str = "",
    query_string: bytes = b"",
    extra: dict[str, Any] | None = None,
) -> Result:
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode() if raw_path is None else raw_path,
        "root_path": root_path,
        "query_string": query_string,
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "server": ("testserver", 80),
        "client": ("testclient", 50000),
    }
    scope.update(extra or {})
    sent: list[Message] = []
    requested = False

    async def receive() -> Message:  # like a server: the request, then nothing until a disconnect
        nonlocal requested
        if requested:
            await asyncio.Event().wait()
        requested = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    assert start["type"] == "http.response.start"
    result = Result(
        status=start["status"],
        headers={k.decode().lower(): v.decode() for k, v in start.get("headers", [])},
    )
    result.body = b"".join(m.get("body", b"") for m in sent[1:])
    return result
