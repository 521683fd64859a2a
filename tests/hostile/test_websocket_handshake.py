"""A WebSocket handshake built from what the client sent cannot carry injected headers.

The app below makes the mistake on purpose: it echoes a query parameter into the accept's
headers and the requested subprotocol back as the chosen one. Either way the accept is
refused with a ValueError before anything reaches the server, so the 101 answer never says
more than the app meant.
"""

from __future__ import annotations

import pytest

from asgi_testclient import TestClient
from asgi_toolkit import App, WebSocketRoute
from asgi_toolkit.websockets import WebSocket


async def careless(websocket: WebSocket) -> None:
    value = websocket.query_params.get("tag", "")
    offered = websocket.headers.get("x-proto")
    await websocket.accept(subprotocol=offered, headers=[(b"x-tag", value.encode("latin-1"))])
    await websocket.send_text("open")
    await websocket.close()


client = TestClient(App(routes=[WebSocketRoute("/ws", careless)]))


@pytest.mark.parametrize("tag", ["a\r\nSet-Cookie: sid=evil", "a\nX-Evil: 1", "a\x00b"])
def test_an_injected_accept_header_is_refused(tag: str) -> None:
    with (
        pytest.raises(ValueError, match="CR, LF or NUL"),
        client.websocket_connect("/ws", params={"tag": tag}),
    ):
        pass  # pragma: no cover - the handshake is refused


@pytest.mark.parametrize("proto", ["chat, evil", "chat;x=1", "chat evil"])
def test_a_subprotocol_that_is_not_a_token_is_refused(proto: str) -> None:
    with (
        pytest.raises(ValueError, match="not an HTTP token"),
        client.websocket_connect("/ws", headers={"x-proto": proto}),
    ):
        pass  # pragma: no cover - the handshake is refused


def test_a_clean_handshake_still_opens() -> None:
    with client.websocket_connect("/ws", params={"tag": "ok"}) as session:
        assert session.receive_text() == "open"
