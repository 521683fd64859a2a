"""asgi-testclient driving FastAPI and Litestar applications."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from fastapi import Depends, FastAPI, Header, HTTPException, WebSocket
from fastapi import Request as FastAPIRequest
from litestar import Litestar, get, post, websocket
from litestar import WebSocket as LitestarWebSocket
from pydantic import BaseModel

from asgi_testclient import TestClient

# Litestar warns about its own API style changes between minor versions; those are not ours.
litestar_warnings = pytest.mark.filterwarnings(
    "ignore::litestar.exceptions.base_exceptions.LitestarDeprecationWarning"
)


class Item(BaseModel):
    name: str
    price: float


def make_fastapi() -> FastAPI:
    events: list[str] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        events.append("startup")
        yield {"greeting": "hello from lifespan"}
        events.append("shutdown")

    app = FastAPI(lifespan=lifespan)
    app.state.events = events

    def token(x_token: str = Header()) -> str:
        if x_token != "secret":
            raise HTTPException(status_code=403, detail="bad token")
        return x_token

    @app.get("/items/{item_id}")
    async def read_item(item_id: int, q: str | None = None) -> dict[str, Any]:
        return {"item_id": item_id, "q": q}

    @app.post("/items")
    async def create_item(item: Item) -> dict[str, Any]:
        return {"name": item.name, "total": item.price * 2}

    @app.get("/private")
    async def private(tok: str = Depends(token)) -> dict[str, str]:
        return {"token": tok}

    @app.get("/state")
    async def state(request: FastAPIRequest) -> dict[str, str]:
        return {"greeting": request.state.greeting}

    @app.websocket("/ws")
    async def ws(websocket: WebSocket) -> None:
        await websocket.accept()
        data = await websocket.receive_json()
        await websocket.send_json({"got": data, "n": len(data)})
        await websocket.close()

    return app


def test_fastapi_http_and_path_params() -> None:
    client = TestClient(make_fastapi())
    response = client.get("/items/5?q=abc")
    assert response.status_code == 200
    assert response.json() == {"item_id": 5, "q": "abc"}
    bad = client.get("/items/five")
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["path", "item_id"]


def test_fastapi_json_body_and_validation() -> None:
    client = TestClient(make_fastapi())
    ok = client.post("/items", json={"name": "pen", "price": 1.5})
    assert ok.status_code == 200
    assert ok.json() == {"name": "pen", "total": 3.0}
    bad = client.post("/items", json={"name": "pen"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "price"]


def test_fastapi_dependency() -> None:
    client = TestClient(make_fastapi())
    assert client.get("/private", headers={"X-Token": "secret"}).json() == {"token": "secret"}
    denied = client.get("/private", headers={"X-Token": "nope"})
    assert denied.status_code == 403
    assert denied.json() == {"detail": "bad token"}
    assert client.get("/private").status_code == 422


def test_fastapi_websocket() -> None:
    client = TestClient(make_fastapi())
    with client.websocket_connect("/ws") as ws:
        ws.send_json([1, 2, 3])
        assert ws.receive_json() == {"got": [1, 2, 3], "n": 3}


def test_fastapi_lifespan_state() -> None:
    app = make_fastapi()
    with TestClient(app) as client:
        assert app.state.events == ["startup"]
        assert client.get("/state").json() == {"greeting": "hello from lifespan"}
    assert app.state.events == ["startup", "shutdown"]


def make_litestar(events: list[str]) -> Litestar:
    @get("/hello/{name:str}")
    async def hello(name: str) -> dict[str, str]:
        return {"hello": name}

    @post("/double")
    async def double(data: dict[str, int]) -> dict[str, int]:
        return {key: value * 2 for key, value in data.items()}

    @get("/events")
    async def list_events() -> list[str]:
        return list(events)

    @websocket("/ws")
    async def ws_handler(socket: LitestarWebSocket[Any, Any, Any]) -> None:
        await socket.accept()
        text = await socket.receive_text()
        await socket.send_text(text.upper())
        await socket.close()

    async def started() -> None:
        events.append("startup")

    async def stopped() -> None:
        events.append("shutdown")

    return Litestar(
        route_handlers=[hello, double, list_events, ws_handler],
        on_startup=[started],
        on_shutdown=[stopped],
    )


@litestar_warnings
def test_litestar_http_and_json() -> None:
    client = TestClient(make_litestar([]))
    response = client.get("/hello/ada")
    assert response.status_code == 200
    assert response.json() == {"hello": "ada"}
    doubled = client.post("/double", json={"a": 1, "b": 21})
    assert doubled.status_code == 201
    assert doubled.json() == {"a": 2, "b": 42}
    bad = client.post("/double", json={"a": "not a number"})
    assert bad.status_code == 400
    assert client.get("/missing").status_code == 404


@litestar_warnings
def test_litestar_websocket() -> None:
    client = TestClient(make_litestar([]))
    with client.websocket_connect("/ws") as ws:
        ws.send_text("shout")
        assert ws.receive_text() == "SHOUT"


@litestar_warnings
def test_litestar_startup_shutdown() -> None:
    events: list[str] = []
    with TestClient(make_litestar(events)) as client:
        assert client.get("/events").json() == ["startup"]
    assert events == ["startup", "shutdown"]
