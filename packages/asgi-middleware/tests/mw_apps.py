"""Raw ASGI apps the middleware are tested in front of."""

from __future__ import annotations

from typing import Any

from asgi_protocol.types import Receive, Scope, Send


def text_app(body: bytes = b"hello", headers: list[tuple[bytes, bytes]] | None = None) -> Any:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        await send({"type": "http.response.start", "status": 200, "headers": list(headers or [])})
        await send({"type": "http.response.body", "body": body})

    return app


async def echo_scope(scope: Scope, receive: Receive, send: Send) -> None:
    """Answers with the scheme, client, host and url it saw."""
    host = dict(scope["headers"]).get(b"host", b"").decode()
    client = scope.get("client")
    text = f"{scope['scheme']} {client[0] if client else None} {host}"
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": text.encode()})


async def lifespan_app(scope: Scope, receive: Receive, send: Send) -> None:
    assert scope["type"] == "lifespan"
    message = await receive()
    assert message["type"] == "lifespan.startup"
    await send({"type": "lifespan.startup.complete"})
    message = await receive()
    await send({"type": "lifespan.shutdown.complete"})


def run(
    app: Any,
    scope: dict[str, Any],
    incoming: list[dict[str, Any]] | None = None,
    sent: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Drive an ASGI app directly with `incoming` messages; return what it sent."""
    import asyncio

    queue = list(incoming or [{"type": "http.request", "body": b""}])
    sent = [] if sent is None else sent

    async def receive() -> dict[str, Any]:
        if queue:
            return queue.pop(0)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "method": "GET",
        "path": "/",
        "query_string": b"",
        "headers": [],
        "scheme": "http",
        **scope,
    }
    asyncio.run(app(scope, receive, send))
    return sent


async def template_like_app(scope: Scope, receive: Receive, send: Send) -> None:
    """Sends `http.response.debug` before its answer, as a template response does."""
    await send({"type": "http.response.debug", "info": {"template": "t.html", "context": {}}})
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"x" * 1000})
