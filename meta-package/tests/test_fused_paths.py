"""The fused fast paths answer exactly as the layers do one by one.

Two shortcuts skip a layer's own entry when nothing sits between: ServerErrorMiddleware runs
the ExceptionMiddleware right inside it with its own send tracker, and function endpoints have
exceptions answered in place. A no-op middleware between the layers turns those off; every
request below must get the same answer either way.
"""

from __future__ import annotations

from typing import Any

import pytest

from asgi_toolkit import (
    App,
    HTTPException,
    JSONResponse,
    Middleware,
    PlainTextResponse,
    Request,
    Route,
    WebSocket,
    WebSocketRoute,
)
from asgi_toolkit.exceptions import WebSocketException
from asgi_toolkit.testclient import TestClient
from asgi_toolkit.types import ASGIApp, Receive, Scope, Send
from asgi_toolkit.websockets import WebSocketDisconnect


class NoOp:
    """Passes everything through: only its presence between two layers matters."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


class Teapot(Exception):
    pass


async def ok(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok", headers={"x-ok": "1"})


async def echo(request: Request) -> JSONResponse:
    return JSONResponse(await request.json())


def sync_ok(request: Request) -> PlainTextResponse:
    return PlainTextResponse("sync")


async def not_found(request: Request) -> None:
    raise HTTPException(404, "no such item", headers={"x-why": "gone"})


async def no_content(request: Request) -> None:
    raise HTTPException(204)


async def teapot(request: Request) -> None:
    raise Teapot("short and stout")


def sync_teapot(request: Request) -> None:
    raise Teapot("sync and stout")


async def broken(request: Request) -> None:
    raise RuntimeError("boom")


async def upload(request: Request) -> PlainTextResponse:
    return PlainTextResponse(str(len(await request.body())))


async def ws_refused(websocket: WebSocket) -> None:
    raise WebSocketException(4001, "not you")


async def teapot_handler(request: Request, exc: Exception) -> PlainTextResponse:
    return PlainTextResponse(f"teapot: {exc}", status_code=418)


async def server_error_handler(request: Request, exc: Exception) -> PlainTextResponse:
    return PlainTextResponse(f"handled: {exc}", status_code=500)


def routes(route_middleware: list[Middleware]) -> list[Any]:
    def route(path: str, endpoint: Any, **kwargs: Any) -> Route:
        return Route(path, endpoint, middleware=route_middleware, **kwargs)

    return [
        route("/ok", ok),
        route("/echo", echo, methods=["POST"]),
        route("/sync", sync_ok),
        route("/missing", not_found),
        route("/empty", no_content),
        route("/teapot", teapot),
        route("/sync-teapot", sync_teapot),
        route("/broken", broken),
        route("/upload", upload, methods=["POST"], max_body_size=10),
        route("/slash/", ok),
        WebSocketRoute("/ws", ws_refused),
    ]


def build(variant: str, *, with_500_handler: bool) -> App:
    between = [Middleware(NoOp)] if variant == "app middleware" else []
    around_endpoints = [Middleware(NoOp)] if variant == "route middleware" else []
    handlers: dict[Any, Any] = {Teapot: teapot_handler}
    if with_500_handler:
        handlers[500] = server_error_handler
    return App(routes=routes(around_endpoints), middleware=between, exception_handlers=handlers)


REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/ok", {}),
    ("HEAD", "/ok", {}),
    ("POST", "/ok", {}),  # 405
    ("GET", "/nowhere", {}),  # 404
    ("GET", "/slash", {}),  # redirect
    ("POST", "/echo", {"json": {"a": [1, 2]}}),
    ("POST", "/echo", {"content": b"{not json"}),  # 400
    ("GET", "/sync", {}),
    ("GET", "/missing", {}),
    ("GET", "/empty", {}),
    ("GET", "/teapot", {}),
    ("GET", "/sync-teapot", {}),
    ("GET", "/broken", {}),
    ("POST", "/upload", {"content": b"x" * 5}),
    ("POST", "/upload", {"content": b"x" * 50}),  # 413
]


def answers(app: App) -> list[tuple[int, list[tuple[str, str]], bytes]]:
    client = TestClient(app, raise_server_exceptions=False)
    found = []
    for method, path, kwargs in REQUESTS:
        reply = client.request(method, path, follow_redirects=False, **kwargs)
        headers = sorted((k, v) for k, v in reply.headers.items() if k != "date")
        found.append((reply.status_code, headers, reply.content))
    with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/ws"):
        pass  # pragma: no cover
    found.append((refused.value.code, [], refused.value.reason.encode()))
    return found


@pytest.mark.parametrize("with_500_handler", [False, True])
@pytest.mark.parametrize("variant", ["app middleware", "route middleware"])
def test_fused_paths_answer_as_the_layers_do(variant: str, with_500_handler: bool) -> None:
    fused = answers(build("fused", with_500_handler=with_500_handler))
    assert answers(build(variant, with_500_handler=with_500_handler)) == fused
    # And the answers are the ones meant, so two equally wrong paths can't agree unnoticed.
    statuses = [status for status, _, _ in fused]
    assert statuses == [
        200,
        200,
        405,
        404,
        307,
        200,
        400,
        200,
        404,
        204,
        418,
        418,
        500,
        200,
        413,
        4001,
    ]
