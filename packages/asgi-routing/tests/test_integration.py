"""The router end to end through asgi_testclient.TestClient (what users will write)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from asgi_responses import PlainTextResponse, Response
from asgi_routing import HTTPEndpoint, Mount, Route, Router, WebSocketEndpoint, WebSocketRoute
from asgi_testclient import TestClient


async def homepage(request: Any) -> Response:
    return PlainTextResponse("home")


def user(request: Any) -> Response:
    return PlainTextResponse(f"user {request.path_params['id']}")


class Items(HTTPEndpoint):
    async def post(self, request: Any) -> Response:
        return PlainTextResponse(f"items {len(await request.body())}")


class Echo(WebSocketEndpoint):
    encoding = "text"

    async def on_receive(self, websocket: Any, data: Any) -> None:
        await websocket.send_text(data.upper())


@contextlib.asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[dict[str, Any]]:
    yield {"ready": True}


async def ready(request: Any) -> Response:
    return PlainTextResponse(str(request.scope["state"].get("ready")))


def make_app() -> Router:
    return Router(
        [
            Route("/", homepage),
            Route("/ready", ready),
            Route("/users/{id:int}", user, name="user"),
            Mount("/api", routes=[Route("/items/", Items, name="items")], name="api"),
            WebSocketRoute("/ws", Echo),
        ],
        lifespan=lifespan,
        max_body_size=16,
    )


def test_http_through_test_client() -> None:
    client = TestClient(make_app())
    assert client.get("/").text == "home"
    assert client.get("/users/5").text == "user 5"
    assert client.get("/users/x").status_code == 404
    assert client.post("/").status_code == 405
    assert client.post("/api/items/", content=b"abc").text == "items 3"
    assert client.post("/api/items/", content=b"x" * 17).status_code == 413


def test_slash_redirect_followed() -> None:
    client = TestClient(make_app())
    reply = client.post("/api/items?x=1", content=b"ab")
    assert reply.text == "items 2"
    assert reply.history[0].status_code == 307
    assert reply.history[0].headers["location"] == "/api/items/?x=1"


def test_websocket_through_test_client() -> None:
    client = TestClient(make_app())
    with client.websocket_connect("/ws") as session:
        session.send_text("hi")
        assert session.receive_text() == "HI"


def test_lifespan_through_test_client() -> None:
    with TestClient(make_app()) as client:
        assert client.get("/ready").text == "True"
