import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from asgi_protocol.exceptions import WebSocketException
from asgi_protocol.types import Message, Receive, Scope, Send
from asgi_testclient import TestClient, WebSocketDenialResponse
from asgi_websockets import (
    InvalidJSONMessage,
    WebSocket,
    WebSocketClose,
    WebSocketDisconnect,
    WebSocketDisconnected,
    WebSocketState,
    decode_json_frame,
)

Handler = Callable[[WebSocket], Awaitable[None]]


def app_for(handler: Handler, **options: Any) -> Any:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await handler(WebSocket(scope, receive, send, **options))

    return app


def test_echo_text_bytes_and_json() -> None:
    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_text(await ws.receive_text())
        await ws.send_bytes(await ws.receive_bytes())
        await ws.send_json(await ws.receive_json())
        await ws.send_json(await ws.receive_json(mode="binary"), mode="binary")
        await ws.close()

    with TestClient(app_for(handler)).websocket_connect("/") as session:
        session.send_text("hi")
        assert session.receive_text() == "hi"
        session.send_bytes(b"\x00\x01")
        assert session.receive_bytes() == b"\x00\x01"
        session.send_json({"a": "é"})
        assert session.receive_json() == {"a": "é"}
        session.send_json([1], mode="binary")
        assert session.receive_json(mode="binary") == [1]


@pytest.mark.parametrize(
    ("frame", "mode", "reason"),
    [
        ({"text": "{bad"}, "text", "Expecting property name enclosed in double quotes"),
        ({"text": "[" * 100_000}, "text", "Nested too deeply"),
        ({"bytes": b"9" * 5_000}, "binary", "Number too long"),
        ({"bytes": b'"\xff"'}, "binary", "Not UTF-8"),
    ],
)
def test_receive_json_raises_invalid_json_message_and_the_connection_goes_on(
    frame: dict[str, Any], mode: Any, reason: str
) -> None:
    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        try:
            await ws.receive_json(mode)
        except InvalidJSONMessage as exc:
            await ws.send_json({"code": exc.code, "reason": exc.reason})
        await ws.send_json(await ws.receive_json(mode))

    with TestClient(app_for(handler)).websocket_connect("/") as session:
        session.send({"type": "websocket.receive", **frame})
        assert session.receive_json() == {"code": 1007, "reason": f"Invalid JSON: {reason}"}
        session.send_json([1], mode=mode)
        assert session.receive_json() == [1]


def test_invalid_json_message_is_a_1007_websocket_exception_and_a_json_error() -> None:
    with pytest.raises(InvalidJSONMessage) as info:
        decode_json_frame('{"a": }')
    error = info.value
    assert isinstance(error, WebSocketException)  # an App closes with its code when uncaught
    assert isinstance(error, json.JSONDecodeError)  # what Starlette's receive_json raises
    assert (error.code, error.reason, error.pos) == (1007, "Invalid JSON: Expecting value", 6)
    assert str(error) == "1007: Invalid JSON: Expecting value"
    assert decode_json_frame(b'{"a": 1}') == {"a": 1}


def test_accept_with_subprotocol_and_headers() -> None:
    async def handler(ws: WebSocket) -> None:
        await ws.accept(subprotocol="chat", headers=[(b"x-extra", b"1")])
        await ws.close()

    with TestClient(app_for(handler)).websocket_connect("/", subprotocols=["chat"]) as session:
        assert session.accepted_subprotocol == "chat"
        assert (b"x-extra", b"1") in session.extra_headers


def test_iterators_end_on_disconnect_and_states_follow() -> None:
    seen: list[Any] = []

    async def handler(ws: WebSocket) -> None:
        assert ws.client_state == WebSocketState.CONNECTING
        await ws.accept()
        assert ws.client_state == WebSocketState.CONNECTED
        assert ws.application_state == WebSocketState.CONNECTED
        async for message in ws.iter_text():
            seen.append(message)
        assert ws.client_state == WebSocketState.DISCONNECTED
        with pytest.raises(WebSocketDisconnected, match="disconnect message has been received"):
            await ws.receive()

    with TestClient(app_for(handler)).websocket_connect("/") as session:
        session.send_text("a")
        session.send_text("b")
        session.close(1001)
    assert seen == ["a", "b"]


@pytest.mark.parametrize(("method", "payload"), [("iter_bytes", b"x"), ("iter_json", '{"k":1}')])
def test_bytes_and_json_iterators(method: str, payload: Any) -> None:
    seen: list[Any] = []

    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        async for message in getattr(ws, method)():
            seen.append(message)

    with TestClient(app_for(handler)).websocket_connect("/") as session:
        if isinstance(payload, bytes):
            session.send_bytes(payload)
        else:
            session.send_text(payload)
    assert seen == ([b"x"] if method == "iter_bytes" else [{"k": 1}])


def test_receive_text_raises_disconnect_with_code() -> None:
    codes: list[int] = []

    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        try:
            await ws.receive_text()
        except WebSocketDisconnect as exc:
            codes.append(exc.code)

    with TestClient(app_for(handler)).websocket_connect("/") as session:
        session.close(4000)
    assert codes == [4000]


def test_sending_before_accept_is_refused() -> None:
    errors: list[str] = []

    async def handler(ws: WebSocket) -> None:
        await ws.receive()
        try:
            await ws.send_text("too early")
        except RuntimeError as exc:
            errors.append(str(exc))
        await ws.close()

    with pytest.raises(WebSocketDisconnect), TestClient(app_for(handler)).websocket_connect("/"):
        pass  # pragma: no cover - the handshake is refused
    assert errors
    assert "websocket.accept" in errors[0]


def test_receiving_before_accept_is_refused() -> None:
    async def handler(ws: WebSocket) -> None:
        with pytest.raises(WebSocketDisconnected, match='Need to call "accept" first'):
            await ws.receive_text()
        await ws.close(1008, "no")

    with (
        pytest.raises(WebSocketDisconnect) as info,
        TestClient(app_for(handler)).websocket_connect("/"),
    ):
        pass  # pragma: no cover
    assert (info.value.code, info.value.reason) == (1008, "no")


def test_sending_after_close_is_refused() -> None:
    errors: list[str] = []

    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        await ws.close()
        try:
            await ws.send_text("late")
        except RuntimeError as exc:
            errors.append(str(exc))

    with (
        TestClient(app_for(handler)).websocket_connect("/") as session,
        pytest.raises(WebSocketDisconnect),
    ):
        session.receive_text()
    assert errors == ['Cannot call "send" once a close message has been sent.']


def test_oversized_message_closes_with_1009() -> None:
    raised: list[int] = []

    async def handler(ws: WebSocket) -> None:
        await ws.accept()
        assert await ws.receive_text() == "small"
        try:
            await ws.receive_text()
        except WebSocketDisconnect as exc:
            raised.append(exc.code)

    with TestClient(app_for(handler, max_message_size=5)).websocket_connect("/") as session:
        session.send_text("small")
        session.send_text("much too large")
        with pytest.raises(WebSocketDisconnect) as info:
            session.receive_text()
    assert info.value.code == 1009
    assert raised == [1009]


def test_denial_response_through_the_extension() -> None:
    async def handler(ws: WebSocket) -> None:
        await ws.send_denial_response(_plain_403)

    with (
        pytest.raises(WebSocketDenialResponse) as info,
        TestClient(app_for(handler)).websocket_connect("/"),
    ):
        pass  # pragma: no cover
    assert info.value.response.status_code == 403
    assert info.value.response.content == b"go away"


async def _plain_403(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "websocket.http.response.start", "status": 403, "headers": []})
    await send({"type": "websocket.http.response.body", "body": b"go ", "more_body": True})
    await send({"type": "websocket.http.response.body", "body": b"away"})


async def test_denial_response_without_the_extension_is_refused() -> None:
    ws = WebSocket({"type": "websocket", "path": "/", "headers": []}, _never, _ignore)
    with pytest.raises(RuntimeError, match="Denial Response"):
        await ws.send_denial_response(_plain_403)


async def _never() -> Message:
    raise AssertionError("not called")  # pragma: no cover


async def _ignore(message: Message) -> None:
    return None


def scripted(messages: list[Message]) -> Callable[[], Awaitable[Message]]:
    async def receive() -> Message:
        return messages.pop(0)

    return receive


async def test_protocol_violations_are_clear_errors() -> None:
    scope = {"type": "websocket", "path": "/", "headers": []}
    ws = WebSocket(scope, scripted([{"type": "websocket.receive", "text": "x"}]), _ignore)
    with pytest.raises(RuntimeError, match='Expected ASGI message "websocket.connect"'):
        await ws.receive()
    ws = WebSocket(
        scope, scripted([{"type": "websocket.connect"}, {"type": "websocket.bogus"}]), _ignore
    )
    await ws.accept()
    with pytest.raises(RuntimeError, match='"websocket.receive" or "websocket.disconnect"'):
        await ws.receive()
    with pytest.raises(RuntimeError, match='"websocket.send" or "websocket.close"'):
        await ws.send({"type": "websocket.accept"})
    fresh = WebSocket(scope, _never, _ignore)
    with pytest.raises(RuntimeError, match="websocket.accept"):
        await fresh.send({"type": "websocket.send"})
    with pytest.raises(RuntimeError, match='"mode" argument'):
        await fresh.send_json({}, mode="xml")  # type: ignore[arg-type]
    accepted = WebSocket(scope, scripted([{"type": "websocket.connect"}]), _ignore)
    await accepted.accept()
    with pytest.raises(RuntimeError, match='"mode" argument'):
        await accepted.receive_json(mode="xml")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="websocket scope"):
        WebSocket({"type": "http"}, _never, _ignore)


async def test_accept_always_carries_a_headers_list() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "websocket", "path": "/", "headers": []}
    await WebSocket(scope, scripted([{"type": "websocket.connect"}]), send).accept()
    # A middleware that adds a header appends to this list (Starlette always sends one).
    assert sent == [{"type": "websocket.accept", "headers": []}]


async def test_denial_response_state_machine() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    ws = WebSocket({"type": "websocket", "path": "/", "headers": []}, _never, send)
    await ws.send({"type": "websocket.http.response.start", "status": 403, "headers": []})
    assert ws.application_state == WebSocketState.RESPONSE
    with pytest.raises(RuntimeError, match="websocket.http.response.body"):
        await ws.send({"type": "websocket.send"})
    await ws.send({"type": "websocket.http.response.body", "body": b"a", "more_body": True})
    await ws.send({"type": "websocket.http.response.body", "body": b"b"})
    assert ws.application_state == WebSocketState.DISCONNECTED


async def test_a_broken_transport_becomes_a_disconnect() -> None:
    async def broken(message: Message) -> None:
        raise OSError("connection reset")

    ws = WebSocket(
        {"type": "websocket", "path": "/", "headers": []},
        scripted([{"type": "websocket.connect"}]),
        broken,
    )
    with pytest.raises(WebSocketDisconnect) as info:
        await ws.accept()
    assert info.value.code == 1006
    assert ws.application_state == WebSocketState.DISCONNECTED


def test_websocket_close_app() -> None:
    with (
        pytest.raises(WebSocketDisconnect) as info,
        TestClient(WebSocketClose(1013, "later")).websocket_connect("/"),
    ):
        pass  # pragma: no cover
    assert (info.value.code, info.value.reason) == (1013, "later")


def test_accept_after_reading_the_connect_message_itself() -> None:
    async def handler(ws: WebSocket) -> None:
        assert (await ws.receive())["type"] == "websocket.connect"
        await ws.accept()
        await ws.send_text("ready")
        await ws.close()

    with TestClient(app_for(handler)).websocket_connect("/") as session:
        assert session.receive_text() == "ready"


@pytest.mark.parametrize(
    ("subprotocol", "headers", "error", "match"),
    [
        ("chat\r\nX-Evil: 1", None, ValueError, "not an HTTP token"),
        ("two words", None, ValueError, "not an HTTP token"),
        ("", None, ValueError, "not an HTTP token"),
        (None, [(b"x-a", b"v\r\nX-Evil: 1")], ValueError, "value .* CR, LF or NUL"),
        (None, [(b"x-a\n", b"v")], ValueError, "name .* CR, LF or NUL"),
        (None, [(b"x-a", b"v\x00")], ValueError, "CR, LF or NUL"),
        (None, [("x-a", "v")], TypeError, "must be bytes"),
    ],
)
async def test_accept_refuses_what_would_inject_before_anything_is_sent(
    subprotocol: Any, headers: Any, error: type[Exception], match: str
) -> None:
    received: list[Message] = []
    sent: list[Message] = []

    async def receive() -> Message:
        message: Message = {"type": "websocket.connect"}
        received.append(message)
        return message

    async def send(message: Message) -> None:
        sent.append(message)  # pragma: no cover - nothing may be sent

    websocket = WebSocket({"type": "websocket", "headers": []}, receive, send)
    with pytest.raises(error, match=match):
        await websocket.accept(subprotocol=subprotocol, headers=headers)
    assert received == []
    assert sent == []
    assert websocket.application_state == WebSocketState.CONNECTING


async def test_a_token_subprotocol_and_clean_headers_are_accepted() -> None:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "websocket.connect"}

    async def send(message: Message) -> None:
        sent.append(message)

    websocket = WebSocket({"type": "websocket", "headers": []}, receive, send)
    await websocket.accept(subprotocol="graphql-transport-ws", headers=[(b"x-a", b"v")])
    assert sent == [
        {
            "type": "websocket.accept",
            "headers": [(b"x-a", b"v")],
            "subprotocol": "graphql-transport-ws",
        }
    ]
