"""Drive the app with raw ASGI messages (HTTP and WebSocket) and a small graphene schema."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import graphene
from graphql import GraphQLError

from asgi_protocol.types import ASGIApp, Message

EVENTS: list[str] = []


@dataclass
class Result:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body)


async def http(
    app: ASGIApp,
    method: str = "GET",
    *,
    params: dict[str, str] | None = None,
    body: bytes = b"",
    content_type: str | None = None,
    headers: dict[str, str] | None = None,
    json_body: Any = None,
) -> Result:
    hdrs = dict(headers or {})
    if json_body is not None:
        body = json.dumps(json_body).encode()
        content_type = "application/json"
    if content_type is not None:
        hdrs["content-type"] = content_type
    hdrs.setdefault("content-length", str(len(body)))
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "query_string": urlencode(params or {}).encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in hdrs.items()],
        "server": ("testserver", 80),
        "client": ("testclient", 50000),
    }
    sent: list[Message] = []
    chunks = [body]

    async def receive() -> Message:
        if chunks:
            return {"type": "http.request", "body": chunks.pop(), "more_body": False}
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    return Result(
        status=start["status"],
        headers={k.decode().lower(): v.decode() for k, v in start.get("headers", [])},
        body=b"".join(m.get("body", b"") for m in sent[1:]),
    )


class WS:
    """An in-memory WebSocket client for one app connection."""

    def __init__(self, app: ASGIApp, subprotocols: tuple[str, ...] = ("graphql-transport-ws",)):
        self.to_app: asyncio.Queue[Message] = asyncio.Queue()
        self.from_app: asyncio.Queue[Message] = asyncio.Queue()
        scope = {
            "type": "websocket",
            "path": "/graphql",
            "root_path": "",
            "query_string": b"",
            "headers": [],
            "subprotocols": list(subprotocols),
            "scheme": "ws",
            "server": ("testserver", 80),
            "client": ("testclient", 50000),
        }
        self.task = asyncio.ensure_future(app(scope, self.to_app.get, self.from_app.put))

    async def connect(self) -> Message:
        await self.to_app.put({"type": "websocket.connect"})
        return await self.receive()

    async def receive(self) -> Message:
        return await asyncio.wait_for(self.from_app.get(), 5)

    async def send(self, data: Any) -> None:
        await self.to_app.put({"type": "websocket.receive", "text": json.dumps(data)})

    async def send_raw(self, message: Message) -> None:
        await self.to_app.put({"type": "websocket.receive", **message})

    async def receive_json(self) -> Any:
        message = await self.receive()
        assert message["type"] == "websocket.send", message
        return json.loads(message["text"])

    async def expect_close(self, code: int) -> str:
        message = await self.receive()
        assert message["type"] == "websocket.close", message
        assert message["code"] == code, message
        await asyncio.wait_for(self.task, 5)
        reason: str = message["reason"]
        return reason

    async def init(self, payload: Any = None) -> None:
        accept = await self.connect()
        assert accept == {"type": "websocket.accept", "subprotocol": "graphql-transport-ws"}
        message: dict[str, Any] = {"type": "connection_init"}
        if payload is not None:
            message["payload"] = payload
        await self.send(message)
        assert await self.receive_json() == {"type": "connection_ack"}

    async def disconnect(self) -> None:
        await self.to_app.put({"type": "websocket.disconnect", "code": 1000})
        await asyncio.wait_for(self.task, 5)


class Node(graphene.ObjectType):
    value = graphene.Int()
    child = graphene.Field(lambda: Node)

    def resolve_child(root: Any, info: Any) -> Any:
        return {"value": root["value"] + 1}


class Query(graphene.ObjectType):
    hello = graphene.String(name=graphene.String(default_value="world"))
    fail = graphene.String()
    thread = graphene.String()
    async_thread = graphene.String()
    node = graphene.Field(Node)
    later = graphene.String()
    context_keys = graphene.List(graphene.String)
    echo = graphene.String(value=graphene.String())
    refuse = graphene.String()
    crash = graphene.NonNull(graphene.String)

    def resolve_hello(root: Any, info: Any, name: str) -> str:
        return f"Hello {name}"

    def resolve_fail(root: Any, info: Any) -> str:
        raise ValueError("boom")

    def resolve_refuse(root: Any, info: Any) -> str:
        raise GraphQLError("Not allowed here")

    def resolve_crash(root: Any, info: Any) -> str:
        raise KeyError("password=hunter2")

    def resolve_thread(root: Any, info: Any) -> str:
        main = threading.current_thread() is threading.main_thread()
        return "main" if main else "worker"

    async def resolve_async_thread(root: Any, info: Any) -> str:
        main = threading.current_thread() is threading.main_thread()
        return "main" if main else "worker"

    def resolve_node(root: Any, info: Any) -> Any:
        return {"value": 1}

    def resolve_later(root: Any, info: Any) -> str:
        info.context["background"].add_task(EVENTS.append, "ran")
        return "scheduled"

    def resolve_context_keys(root: Any, info: Any) -> list[str]:
        context = info.context
        return sorted(context) if isinstance(context, dict) else [repr(context)]

    def resolve_echo(root: Any, info: Any, value: str) -> Any:
        async def later() -> str:
            return value

        # A sync resolver returning an awaitable: awaited back on the loop.
        return later()


class Mutation(graphene.ObjectType):
    bump = graphene.Int(by=graphene.Int(required=True))

    def resolve_bump(root: Any, info: Any, by: int) -> int:
        return by + 1


class Subscription(graphene.ObjectType):
    count = graphene.Int(upto=graphene.Int(default_value=3))
    broken = graphene.Int()
    forever = graphene.Int()
    refused = graphene.Int()
    leaky = graphene.Int()

    async def subscribe_count(root: Any, info: Any, upto: int) -> AsyncIterator[int]:
        for i in range(upto):
            yield i

    async def subscribe_broken(root: Any, info: Any) -> AsyncIterator[int]:
        yield 1
        raise RuntimeError("source failed")

    def subscribe_refused(root: Any, info: Any) -> AsyncIterator[int]:
        raise RuntimeError("no stream for you")

    async def subscribe_leaky(root: Any, info: Any) -> AsyncIterator[int]:
        yield 1

    def resolve_leaky(root: Any, info: Any) -> int:
        raise RuntimeError("secret in an event")

    async def subscribe_forever(root: Any, info: Any) -> AsyncIterator[int]:
        try:
            while True:
                yield 1
                await asyncio.sleep(0.01)
        finally:
            EVENTS.append("forever closed")


SCHEMA = graphene.Schema(query=Query, mutation=Mutation, subscription=Subscription)
