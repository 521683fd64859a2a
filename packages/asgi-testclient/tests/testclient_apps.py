"""Raw ASGI apps the tests drive: no framework, only the protocol."""

from __future__ import annotations

import json
from typing import Any

from asgi_protocol.types import Message, Receive, Scope, Send


async def read_body(receive: Receive) -> tuple[bytes, int]:
    """The whole request body, and how many http.request messages carried it."""
    body, count = b"", 0
    while True:
        message = await receive()
        assert message["type"] == "http.request"
        count += 1
        body += message.get("body", b"")
        if not message.get("more_body", False):
            return body, count


async def send_response(
    send: Send,
    body: bytes = b"",
    status: int = 200,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers or []})
    await send({"type": "http.response.body", "body": body})


def jsonable_scope(scope: Scope) -> dict[str, Any]:
    """The scope with bytes decoded, so an echo app can send it back as JSON."""
    out: dict[str, Any] = {}
    for key, value in scope.items():
        if isinstance(value, bytes):
            out[key] = value.decode("latin-1")
        elif key == "headers":
            out[key] = [[k.decode("latin-1"), v.decode("latin-1")] for k, v in value]
        else:
            out[key] = value
    return out


async def echo_app(scope: Scope, receive: Receive, send: Send) -> None:
    """Answers with the scope and the body it received, as JSON."""
    assert scope["type"] == "http"
    body, count = await read_body(receive)
    payload = {"scope": jsonable_scope(scope), "body": body.decode("latin-1"), "messages": count}
    await send_response(
        send, json.dumps(payload).encode(), headers=[(b"content-type", b"application/json")]
    )


async def lifespan_echo(scope: Scope, receive: Receive, send: Send) -> None:
    """`echo_app` that also answers the lifespan protocol (for `with TestClient(...)`)."""
    if scope["type"] == "lifespan":
        await receive()
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await send({"type": "lifespan.shutdown.complete"})
        return
    await echo_app(scope, receive, send)


Messages = list[Message]
