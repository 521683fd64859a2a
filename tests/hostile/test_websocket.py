"""WebSocket abuse: oversized messages close with 1009, sending after close raises, abrupt drops."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from asgi_protocol.types import Message
from asgi_testclient import TestClient
from asgi_toolkit.websockets import WebSocket, WebSocketDisconnect

events: list[Any] = []


async def echo(scope: Any, receive: Any, send: Any) -> None:
    websocket = WebSocket(scope, receive, send, max_message_size=1024)
    await websocket.accept()
    try:
        while True:
            await websocket.send_text(await websocket.receive_text())
    except WebSocketDisconnect as exc:
        events.append(("disconnect", exc.code))


@pytest.fixture(autouse=True)
def clear_events() -> None:
    events.clear()


def test_sanity_a_small_message_echoes() -> None:
    with TestClient(echo).websocket_connect("/") as session:
        session.send_text("hi")
        assert session.receive_text() == "hi"


@pytest.mark.parametrize("payload", ["x" * 1025, "é" * 600, "x" * 5_000_000])
def test_oversized_text_message_closes_with_1009(payload: str) -> None:
    with TestClient(echo).websocket_connect("/") as session:
        session.send_text(payload)
        with pytest.raises(WebSocketDisconnect) as info:
            session.receive_text()
    assert info.value.code == 1009
    assert events == [("disconnect", 1009)]


def test_oversized_bytes_message_closes_with_1009() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        websocket = WebSocket(scope, receive, send, max_message_size=10)
        await websocket.accept()
        try:
            await websocket.receive_bytes()
        except WebSocketDisconnect as exc:
            events.append(exc.code)

    with TestClient(app).websocket_connect("/") as session:
        session.send_bytes(b"y" * 11)
        message = session.receive()
    assert message["type"] == "websocket.close"
    assert message["code"] == 1009
    assert events == [1009]


def scope() -> dict[str, Any]:
    return {"type": "websocket", "path": "/", "raw_path": b"/", "root_path": "",
            "query_string": b"", "headers": [], "scheme": "ws", "subprotocols": []}  # fmt: skip


def test_sending_after_close_raises() -> None:
    async def main() -> None:
        incoming = [{"type": "websocket.connect"}]

        async def receive() -> dict[str, Any]:
            return incoming.pop(0)

        async def send(message: Message) -> None:
            pass

        websocket = WebSocket(scope(), receive, send)
        await websocket.accept()
        await websocket.close()
        with pytest.raises(RuntimeError):
            await websocket.send_text("late")
        with pytest.raises(RuntimeError):
            await websocket.close()

    asyncio.run(main())


def test_sending_before_accept_raises() -> None:
    async def main() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "websocket.connect"}

        async def send(message: Message) -> None:
            pass

        with pytest.raises(RuntimeError):
            await WebSocket(scope(), receive, send).send_text("early")

    asyncio.run(main())


def test_abrupt_client_disconnect_reaches_the_app_as_websocketdisconnect() -> None:
    async def main() -> None:
        incoming: list[dict[str, Any]] = [
            {"type": "websocket.connect"},
            {"type": "websocket.disconnect", "code": 1006},
        ]

        async def receive() -> dict[str, Any]:
            return incoming.pop(0)

        async def send(message: Message) -> None:
            pass

        await echo(scope(), receive, send)

    asyncio.run(main())
    assert events == [("disconnect", 1006)]


def test_receiving_after_disconnect_raises() -> None:
    async def main() -> None:
        incoming: list[dict[str, Any]] = [
            {"type": "websocket.connect"},
            {"type": "websocket.disconnect", "code": 1006},
        ]

        async def receive() -> dict[str, Any]:
            return incoming.pop(0)

        async def send(message: Message) -> None:
            pass

        websocket = WebSocket(scope(), receive, send)
        await websocket.accept()
        with pytest.raises(WebSocketDisconnect):
            await websocket.receive_text()
        with pytest.raises(RuntimeError):
            await websocket.receive()

    asyncio.run(main())


def test_client_leaving_without_close_ends_the_app() -> None:
    with TestClient(echo).websocket_connect("/") as session:
        session.send_text("hi")
        session.receive_text()
    assert events
    assert events[0][0] == "disconnect"
