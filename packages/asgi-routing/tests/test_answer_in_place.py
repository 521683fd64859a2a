"""Inside an app of ours, endpoints hand what they raise to the app's exception answerer."""

from __future__ import annotations

from typing import Any

import pytest
from routing_driver import http, make_scope, websocket

from asgi_protocol.exceptions import ANSWERER_SCOPE_KEY, HTTPException
from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send
from asgi_requests import Request
from asgi_responses import PlainTextResponse, Response
from asgi_routing import Mount, Route, Router, WebSocketRoute
from asgi_websockets import WebSocket


class Answerer:
    """What an ExceptionMiddleware leaves in the scope: here, it answers HTTPException only."""

    def __init__(self) -> None:
        self.connections: list[Any] = []

    async def answer(
        self, exc: Exception, connection: Any, scope: Scope, receive: Receive, send: Send
    ) -> bool:
        if not isinstance(exc, HTTPException):
            return False
        self.connections.append(connection)
        if isinstance(connection, WebSocket):
            await connection.close(code=4000 + exc.status_code // 100)
            return True
        body = await connection.body()
        await PlainTextResponse(f"{exc.status_code} {body.decode()}", exc.status_code)(
            scope, receive, send
        )
        return True


def inside_app(method: str = "GET", path: str = "/", type_: str = "http") -> tuple[Scope, Answerer]:
    answerer = Answerer()
    scope = make_scope(method, path, scope_app=object(), type_=type_)
    scope[ANSWERER_SCOPE_KEY] = answerer
    return scope, answerer


seen: list[Request] = []


async def reads_then_raises(request: Request) -> Response:
    seen.append(request)
    await request.body()
    raise HTTPException(422)


def sync_raises(request: Request) -> Response:
    seen.append(request)
    raise HTTPException(409)


async def breaks(request: Request) -> Response:
    raise KeyError("bug")


class Tagging:
    """A route middleware: it sees the answer, since the answer is given inside it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-tagged", b"1")]
            await send(message)

        await self.app(scope, receive, tagged)


async def test_async_endpoint_is_answered_with_its_own_request_inside_middleware() -> None:
    seen.clear()
    router = Router(
        [
            Mount(
                "/m",
                routes=[Route("/", reads_then_raises, methods=["POST"])],
                middleware=[(Tagging, (), {})],
            )
        ]
    )
    scope, answerer = inside_app("POST", "/m/")
    reply = await http(router, scope=scope, body=b"hello")
    assert (reply.status, reply.text, reply.header("x-tagged")) == (422, "422 hello", "1")
    # The handler got the endpoint's Request: the body it had read was still there.
    assert answerer.connections == seen


async def test_sync_endpoint_is_answered_in_place() -> None:
    seen.clear()
    scope, answerer = inside_app("GET", "/")
    reply = await http(Router([Route("/", sync_raises)]), scope=scope)
    assert (reply.status, reply.text) == (409, "409 ")
    assert answerer.connections == seen


async def test_unanswered_exceptions_go_up() -> None:
    scope, _ = inside_app()
    with pytest.raises(KeyError):
        await http(Router([Route("/", breaks)]), scope=scope)
    sync_scope, _ = inside_app()
    del sync_scope[ANSWERER_SCOPE_KEY]  # an exception middleware without an answerer
    with pytest.raises(HTTPException):
        await http(Router([Route("/", sync_raises)]), scope=sync_scope)
    async_scope, _ = inside_app()
    del async_scope[ANSWERER_SCOPE_KEY]
    with pytest.raises(HTTPException):
        await http(Router([Route("/", reads_then_raises, methods=["GET"])]), scope=async_scope)


async def ws_raises(websocket: WebSocket) -> None:
    await websocket.accept()
    raise HTTPException(403)


async def ws_breaks(websocket: WebSocket) -> None:
    raise KeyError("bug")


async def test_websocket_endpoint_is_answered_with_its_websocket() -> None:
    router = Router([WebSocketRoute("/ws", ws_raises), WebSocketRoute("/bug", ws_breaks)])
    scope, answerer = inside_app(path="/ws", type_="websocket")
    sent = await websocket(router, scope=scope)
    assert sent[-1] == {"type": "websocket.close", "code": 4004, "reason": ""}
    assert isinstance(answerer.connections[0], WebSocket)
    bug_scope, _ = inside_app(path="/bug", type_="websocket")
    with pytest.raises(KeyError):
        await websocket(router, scope=bug_scope)
    # Outside an app of ours nothing answers: the exception goes up as it is.
    with pytest.raises(HTTPException):
        await websocket(router, "/ws")
