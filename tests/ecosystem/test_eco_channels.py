"""Our middleware and StaticFiles in front of a Django Channels application."""

import json
from pathlib import Path

import pytest
from channels.generic.http import AsyncHttpConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import ProtocolTypeRouter

from asgi_middleware import CORSMiddleware, GZipMiddleware, SessionMiddleware
from asgi_routing import Mount, Router
from asgi_staticfiles import StaticFiles
from asgi_testclient import TestClient

BIG = "x" * 5000


class HttpConsumer(AsyncHttpConsumer):  # type: ignore[misc]
    async def handle(self, body: bytes) -> None:
        path = self.scope["path"]
        session = self.scope["session"]
        if path == "/big":
            await self.send_response(200, BIG.encode(), headers=[(b"content-type", b"text/plain")])
            return
        if path == "/set":
            session["user"] = "ada"
        payload = json.dumps({"path": path, "user": session.get("user")}).encode()
        await self.send_response(200, payload, headers=[(b"content-type", b"application/json")])


class EchoConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    async def connect(self) -> None:
        await self.accept()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        user = self.scope["session"].get("user")
        await self.send(text_data=f"echo:{text_data}:{user}")


def build_app(static_dir: Path) -> object:
    channels_app = ProtocolTypeRouter(
        {"http": HttpConsumer.as_asgi(), "websocket": EchoConsumer.as_asgi()}
    )
    dispatcher = Router(
        routes=[
            Mount("/static", app=StaticFiles(directory=static_dir)),
            Mount("", app=channels_app),
        ]
    )
    app = SessionMiddleware(dispatcher, secret_key="s3cret")
    app = GZipMiddleware(app, minimum_size=500)
    return CORSMiddleware(
        app,
        allow_origins=["https://example.org"],
        allow_methods=["GET", "POST"],
        allow_headers=["X-Token"],
    )


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    (tmp_path / "hello.txt").write_text("hello static")
    return TestClient(build_app(tmp_path))


def test_cors_preflight(client: TestClient) -> None:
    response = client.options(
        "/anything",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "X-Token",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://example.org"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "x-token" in response.headers["access-control-allow-headers"].lower()


def test_cors_preflight_bad_origin(client: TestClient) -> None:
    response = client.options(
        "/anything",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


def test_cors_simple_request_reaches_consumer(client: TestClient) -> None:
    response = client.get("/hi", headers={"Origin": "https://example.org"})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://example.org"
    assert response.json() == {"path": "/hi", "user": None}


def test_gzip_large_body(client: TestClient) -> None:
    response = client.get("/big", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in response.headers["vary"].lower()
    assert response.text == BIG  # requests decoded the gzip stream
    assert int(response.headers["content-length"]) < len(BIG)


def test_gzip_skipped_without_accept(client: TestClient) -> None:
    response = client.get("/big", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in response.headers
    assert response.text == BIG


def test_session_visible_to_consumer_across_requests(client: TestClient) -> None:
    first = client.get("/set")
    assert first.json() == {"path": "/set", "user": "ada"}
    assert "session" in first.cookies
    second = client.get("/who")
    assert second.json() == {"path": "/who", "user": "ada"}


def test_static_file_in_front_of_channels(client: TestClient) -> None:
    response = client.get("/static/hello.txt", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.text == "hello static"
    assert response.headers["content-type"].startswith("text/plain")
    missing = client.get("/static/nope.txt")
    assert missing.status_code == 404


def test_websocket_round_trip_through_stack(client: TestClient) -> None:
    client.get("/set")
    with client.websocket_connect("/ws") as ws:
        ws.send_text("ping")
        assert ws.receive_text() == "echo:ping:ada"
        ws.send_text("again")
        assert ws.receive_text() == "echo:again:ada"
