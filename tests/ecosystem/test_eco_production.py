"""Request ids, CSRF, timeouts and the shutdown signal in front of FastAPI and Django Channels apps."""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

import pytest
from channels.generic.http import AsyncHttpConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import ProtocolTypeRouter
from fastapi import FastAPI, Form, Request

from asgi_lifetime import ShutdownSignal, ShutdownSignalMiddleware
from asgi_middleware import (
    CSRFMiddleware,
    RequestIdMiddleware,
    TimeoutMiddleware,
    current_request_id,
)
from asgi_testclient import TestClient
from asgi_testclient.exceptions import WebSocketDenialResponse

TOKEN = "c" * 43
OURS = {"Origin": "http://testserver", "Cookie": f"csrftoken={TOKEN}"}


def fastapi_app() -> FastAPI:
    app = FastAPI()

    @app.post("/pay")
    async def pay(amount: str = Form(), csrf_token: str = Form()) -> dict[str, str | None]:
        return {"amount": amount, "request_id": current_request_id()}

    @app.get("/slow")
    async def slow() -> dict[str, str]:
        await asyncio.sleep(10)
        return {}

    # add_middleware puts the last added outermost: the request id first, then CSRF.
    app.add_middleware(TimeoutMiddleware, timeout=0.05)
    app.add_middleware(CSRFMiddleware)
    app.add_middleware(RequestIdMiddleware)
    return app


def test_fastapi_reads_its_form_after_the_check() -> None:
    client = TestClient(fastapi_app())
    response = client.post(
        "/pay", data={"amount": "5", "csrf_token": TOKEN}, headers={**OURS, "X-Request-ID": "fa-1"}
    )
    assert response.json() == {"amount": "5", "request_id": "fa-1"}
    assert response.headers["x-request-id"] == "fa-1"


def test_fastapi_refusals_and_timeouts() -> None:
    client = TestClient(fastapi_app())
    forged = client.post("/pay", data={"amount": "5", "csrf_token": "x"}, headers=OURS)
    assert (forged.status_code, forged.text) == (403, "CSRF: token mismatch")
    assert forged.headers["x-request-id"]  # refusals carry the id too
    slow = client.get("/slow")
    assert (slow.status_code, slow.text) == (504, "Gateway Timeout")


class PayConsumer(AsyncHttpConsumer):  # type: ignore[misc]
    async def handle(self, body: bytes) -> None:
        payload = json.dumps({"body": body.decode(), "request_id": current_request_id()})
        await self.send_response(
            200, payload.encode(), headers=[(b"content-type", b"application/json")]
        )


class ChatConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    async def connect(self) -> None:
        await self.accept()
        await self.send(text_data=str(current_request_id()))


@pytest.fixture
def channels_client() -> TestClient:
    app = ProtocolTypeRouter({"http": PayConsumer.as_asgi(), "websocket": ChatConsumer.as_asgi()})
    return TestClient(RequestIdMiddleware(CSRFMiddleware(TimeoutMiddleware(app))))


def test_channels_gets_the_whole_body_after_the_check(channels_client: TestClient) -> None:
    response = channels_client.post(
        "/pay", data={"csrf_token": TOKEN, "amount": "5"}, headers={**OURS, "X-Request-ID": "ch-1"}
    )
    assert response.json() == {"body": f"csrf_token={TOKEN}&amount=5", "request_id": "ch-1"}
    refused = channels_client.post(
        "/pay", data={"amount": "5"}, headers={"Origin": "https://evil.example"}
    )
    assert refused.status_code == 403


def test_channels_websockets_by_origin(channels_client: TestClient) -> None:
    headers = {"Origin": "http://testserver", "X-Request-ID": "ws-9"}
    with channels_client.websocket_connect("/chat", headers=headers) as session:
        assert session.receive_text() == "ws-9"
    with pytest.raises(WebSocketDenialResponse):
        channels_client.websocket_connect("/chat", headers={"Origin": "https://evil.example"})


def test_fastapi_gets_the_shutdown_signal_in_its_own_lifespan_state() -> None:
    signals: list[ShutdownSignal] = []  # what the endpoint found in its state
    at_shutdown: list[bool] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, str]]:
        yield {"db": "up"}
        at_shutdown.append(signals[0].is_set())

    app = FastAPI(lifespan=lifespan)

    @app.get("/stream")
    async def stream(request: Request) -> dict[str, object]:
        signal = ShutdownSignal.of(request.scope)
        assert signal is request.state.shutdown
        signals.append(signal)
        return {"db": request.state.db, "set": signal.is_set()}

    app.add_middleware(ShutdownSignalMiddleware)
    with TestClient(app) as client:
        assert client.get("/stream").json() == {"db": "up", "set": False}
    # Set when the server sent lifespan.shutdown, before FastAPI's own lifespan went on.
    assert at_shutdown == [True]
    assert signals[0].reason == "lifespan.shutdown"
