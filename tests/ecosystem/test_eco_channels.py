"""Our middleware and StaticFiles in front of a Django Channels application.

The whole mix: request ids (outermost, so refusals carry one too), CORS, rate limiting, GZip and
sessions around a router that sends /static to StaticFiles and the rest to Channels.
"""

import json
import logging
from pathlib import Path

import pytest
from channels.generic.http import AsyncHttpConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import ProtocolTypeRouter

from asgi_middleware import (
    CORSMiddleware,
    GZipMiddleware,
    RateLimitMiddleware,
    RequestIdFilter,
    RequestIdMiddleware,
    SessionMiddleware,
    current_request_id,
)
from asgi_protocol.types import ASGIApp
from asgi_routing import Mount, Router
from asgi_staticfiles import StaticFiles
from asgi_testclient import TestClient, WebSocketDisconnect

BIG = "x" * 5000
LIMIT = 12  # requests (and WebSocket connects) per client per minute
MESSAGE_LIMIT = 3  # messages per WebSocket connection per minute
log = logging.getLogger("tests.channels.consumer")


class HttpConsumer(AsyncHttpConsumer):  # type: ignore[misc]
    async def handle(self, body: bytes) -> None:
        path = self.scope["path"]
        session = self.scope["session"]
        if path == "/big":
            await self.send_response(200, BIG.encode(), headers=[(b"content-type", b"text/plain")])
            return
        if path == "/set":
            session["user"] = "ada"
        log.info("handled %s", path)
        payload = json.dumps(
            {"path": path, "user": session.get("user"), "request_id": current_request_id()}
        ).encode()
        await self.send_response(200, payload, headers=[(b"content-type", b"application/json")])


class EchoConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    async def connect(self) -> None:
        await self.accept()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data == "id?":
            await self.send(text_data=f"id:{current_request_id()}")
            return
        user = self.scope["session"].get("user")
        await self.send(text_data=f"echo:{text_data}:{user}")

    async def disconnect(self, code: int) -> None:
        closes.append(code)


closes: list[int] = []  # the codes EchoConsumer.disconnect saw


def build_app(static_dir: Path) -> ASGIApp:
    channels_app = ProtocolTypeRouter(
        {"http": HttpConsumer.as_asgi(), "websocket": EchoConsumer.as_asgi()}
    )
    dispatcher = Router(
        routes=[
            Mount("/static", app=StaticFiles(directory=static_dir)),
            Mount("", app=channels_app),
        ]
    )
    app: ASGIApp = SessionMiddleware(dispatcher, secret_key="s3cret")
    app = GZipMiddleware(app, minimum_size=500)
    app = RateLimitMiddleware(app, limit=LIMIT, window=60, message_limit=MESSAGE_LIMIT)
    app = CORSMiddleware(
        app,
        allow_origins=["https://example.org"],
        allow_methods=["GET", "POST"],
        allow_headers=["X-Token"],
    )
    return RequestIdMiddleware(app)


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
    assert response.json()["user"] is None


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
    assert first.json()["user"] == "ada"
    assert "session" in first.cookies
    second = client.get("/who")
    assert second.json()["user"] == "ada"


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


def test_the_consumer_sees_the_request_id_and_its_logs_carry_it(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO, logger=log.name):
        given = client.get("/hi", headers={"X-Request-ID": "ch-42"})
        fresh = client.get("/hi")
    assert given.json()["request_id"] == given.headers["x-request-id"] == "ch-42"
    new_id = fresh.headers["x-request-id"]
    assert new_id not in ("", "ch-42")
    assert fresh.json()["request_id"] == new_id
    ids = [getattr(r, "request_id", None) for r in caplog.records if r.name == log.name]
    assert ids == ["ch-42", new_id]


def test_websockets_see_the_request_id(client: TestClient) -> None:
    with client.websocket_connect("/ws", headers={"X-Request-ID": "ws-7"}) as ws:
        ws.send_text("id?")
        assert ws.receive_text() == "id:ws-7"  # every message is handled in the connection's id
        ws.send_text("id?")
        assert ws.receive_text() == "id:ws-7"


def test_past_the_limit_channels_is_not_called_and_the_answer_says_when_to_retry(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger=log.name):
        answers = [client.get("/hi", headers={"X-Request-ID": f"r{i}"}) for i in range(LIMIT + 2)]
    assert [a.status_code for a in answers] == [200] * LIMIT + [429, 429]
    assert len([r for r in caplog.records if r.name == log.name]) == LIMIT
    first, refused = answers[0], answers[-1]
    assert first.headers["ratelimit-policy"] == f'"default";q={LIMIT};w=60'
    assert first.headers["ratelimit"].startswith(f'"default";r={LIMIT - 1};t=')
    assert refused.text == "Too Many Requests"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["ratelimit"].startswith('"default";r=0;t=')
    assert refused.headers["x-request-id"] == f"r{LIMIT + 1}"  # refusals carry the id
    # WebSocket connects spend the same budget: refused at the handshake.
    with pytest.raises(WebSocketDisconnect) as denied:
        client.websocket_connect("/ws")
    assert (denied.value.code, denied.value.reason) == (1008, "Too Many Requests")


def test_a_chatty_websocket_is_closed_1008_and_the_consumer_told(client: TestClient) -> None:
    closes.clear()
    with client.websocket_connect("/ws") as ws:
        for n in range(MESSAGE_LIMIT):
            ws.send_text(str(n))
            assert ws.receive_text() == f"echo:{n}:None"
        ws.send_text("one too many")
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    assert (closed.value.code, closed.value.reason) == (1008, "Too Many Messages")
    assert closes == [1008]


def test_the_router_starts_although_channels_speaks_no_lifespan(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "hello.txt").write_text("hello static")
    app = build_app(tmp_path)
    # The lifespan runs, so the router asks each mounted app for its own.
    with caplog.at_level(logging.DEBUG, logger="asgi_lifetime.nested"), TestClient(app) as client:
        assert client.get("/hi").json()["path"] == "/hi"
    skipped = [r.getMessage() for r in caplog.records if r.name == "asgi_lifetime.nested"]
    assert len(skipped) == 2, skipped  # StaticFiles and ProtocolTypeRouter: no lifespan
    assert skipped[0].startswith("Mount('/static'): no lifespan")
    assert skipped[1] == (
        "Mount('/'): no lifespan (it raised ValueError: "
        "No application configured for scope type 'lifespan')"
    )
