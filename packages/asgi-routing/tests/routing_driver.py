"""A tiny in-process ASGI driver, so these tests need no server and no test client."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from asgi_protocol.exceptions import HANDLER_SCOPE_KEY
from asgi_protocol.types import ASGIApp, Message, Scope


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    messages: list[Message] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.body.decode()

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key == name.lower():
                return value
        return None


def make_scope(
    method: str = "GET",
    path: str = "/",
    *,
    query: bytes = b"",
    headers: Iterable[tuple[str, str]] = (),
    root_path: str = "",
    scope_app: Any = None,
    type_: str = "http",
) -> Scope:
    scope: Scope = {
        "type": type_,
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http" if type_ == "http" else "ws",
        "path": path,
        "raw_path": path.encode(),
        "root_path": root_path,
        "query_string": query,
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    if type_ == "websocket":
        del scope["method"]
    if scope_app is not None:  # inside an app of ours: its exception middleware answers
        scope["app"] = scope_app
        scope[HANDLER_SCOPE_KEY] = scope_app
    return scope


async def http(
    app: ASGIApp,
    method: str = "GET",
    path: str = "/",
    *,
    body: bytes | list[bytes] = b"",
    scope: Scope | None = None,
    **kwargs: Any,
) -> Reply:
    """Run one HTTP request through `app` and collect the response."""
    scope = scope if scope is not None else make_scope(method, path, **kwargs)
    chunks = [body] if isinstance(body, bytes) else list(body)
    received = 0

    async def receive() -> Message:
        nonlocal received
        if received < len(chunks):
            received += 1
            more = received < len(chunks)
            return {"type": "http.request", "body": chunks[received - 1], "more_body": more}
        return {"type": "http.disconnect"}

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start.get("headers", [])]
    data = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return Reply(start["status"], headers, data, sent)


async def websocket(
    app: ASGIApp,
    path: str = "/",
    incoming: Iterable[Message] = (),
    *,
    scope: Scope | None = None,
    sent: list[Message] | None = None,
    **kwargs: Any,
) -> list[Message]:
    """Run a WebSocket session: connect, `incoming`, a disconnect; return what was sent.

    Pass `sent` to see the messages also when the app raises.
    """
    scope = scope if scope is not None else make_scope(path=path, type_="websocket", **kwargs)
    queue: list[Message] = [{"type": "websocket.connect"}, *incoming]
    queue.append({"type": "websocket.disconnect", "code": 1000})
    sent = [] if sent is None else sent

    async def receive() -> Message:
        if not queue:
            raise RuntimeError("receive() called after the disconnect")
        return queue.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


async def lifespan(app: ASGIApp, state: dict[str, Any] | None = None) -> list[Message]:
    """Run startup then shutdown; return what the app sent."""
    scope: Scope = {"type": "lifespan", "asgi": {"version": "3.0"}}
    if state is not None:
        scope["state"] = state
    queue: list[Message] = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[Message] = []

    async def receive() -> Message:
        return queue.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent
