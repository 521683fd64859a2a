"""Websocket sessions: handshake outcomes, frames both ways, closing, and app errors."""

from __future__ import annotations

import asyncio
import threading
from contextlib import closing
from typing import Any

import pytest
from testclient_apps import echo_app

from asgi_protocol.exceptions import WebSocketDisconnect
from asgi_protocol.types import Message, Receive, Scope, Send
from asgi_testclient import (
    ASGIProtocolError,
    NoResponseError,
    TestClient,
    WebSocketDenialResponse,
)


async def echo_ws(scope: Scope, receive: Receive, send: Send) -> None:
    """Accepts, then echoes every frame until the client disconnects."""
    assert scope["type"] == "websocket"
    assert (await receive())["type"] == "websocket.connect"
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        await send({"type": "websocket.send", **{k: v for k, v in message.items() if k != "type"}})


def test_scope_of_a_websocket() -> None:
    seen: list[Scope] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope)
        await receive()
        await send(
            {"type": "websocket.accept", "subprotocol": "b", "headers": [(b"x-extra", b"1")]}
        )
        await receive()

    client = TestClient(app, base_url="https://example.org", root_path="/r")
    with (
        client,
        client.websocket_connect(
            "/r/ws/a%20b?x=1", subprotocols=["a", "b"], headers={"X-Token": "t"}
        ) as ws,
    ):
        assert ws.accepted_subprotocol == "b"
        assert ws.extra_headers == [(b"x-extra", b"1")]
    scope = seen[-1]
    headers = dict(scope["headers"])
    assert scope["type"] == "websocket"
    assert scope["scheme"] == "wss"
    assert scope["server"] == ("example.org", 443)
    assert scope["path"] == "/r/ws/a b"
    assert scope["raw_path"] == b"/r/ws/a%20b"
    assert scope["root_path"] == "/r"
    assert scope["query_string"] == b"x=1"
    assert scope["subprotocols"] == ["a", "b"]
    assert scope["extensions"] == {"websocket.http.response": {}}
    assert "method" not in scope
    assert headers[b"upgrade"] == b"websocket"
    assert headers[b"connection"] == b"upgrade"
    assert headers[b"sec-websocket-version"] == b"13"
    assert headers[b"x-token"] == b"t"
    assert headers[b"host"] == b"example.org"


def test_send_and_receive_every_kind() -> None:
    with closing(TestClient(echo_ws)) as client, client.websocket_connect("ws://testserver/") as ws:
        assert ws.accepted_subprotocol is None
        ws.send_text("hi")
        assert ws.receive_text() == "hi"
        ws.send_bytes(b"\x00\x01")
        assert ws.receive_bytes() == b"\x00\x01"
        ws.send_json({"a": "é"})
        assert ws.receive_json() == {"a": "é"}
        ws.send_json([1, 2], mode="binary")
        assert ws.receive_json(mode="binary") == [1, 2]
        ws.send({"type": "websocket.receive", "text": "raw"})
        assert ws.receive() == {"type": "websocket.send", "text": "raw"}


def test_wrong_frame_kind_and_bad_mode() -> None:
    with closing(TestClient(echo_ws)) as client, client.websocket_connect("/") as ws:
        ws.send_bytes(b"b")
        with pytest.raises(TypeError, match="binary frame"):
            ws.receive_text()
        ws.send_text("t")
        with pytest.raises(TypeError, match="text frame"):
            ws.receive_bytes()
        with pytest.raises(ValueError, match="mode must be"):
            ws.send_json({}, mode="json")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="mode must be"):
            ws.receive_json(mode="json")  # type: ignore[arg-type]


def test_cookies_and_session_headers_reach_the_handshake() -> None:
    seen: list[dict[bytes, bytes]] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(dict(scope["headers"]))
        await send({"type": "websocket.close"})

    client = TestClient(app, cookies={"sid": "1"}, headers={"X-All": "y"})
    with closing(client), pytest.raises(WebSocketDisconnect):
        client.websocket_connect("/", cookies={"call": "2"})
    assert seen[0][b"x-all"] == b"y"
    assert sorted(seen[0][b"cookie"].split(b"; ")) == [b"call=2", b"sid=1"]


def test_denied_handshake_raises_disconnect_with_code() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.close", "code": 1008, "reason": "no entry"})

    with closing(TestClient(app)) as client, pytest.raises(WebSocketDisconnect) as info:
        client.websocket_connect("/")
    assert info.value.code == 1008
    assert info.value.reason == "no entry"
    assert not isinstance(info.value, WebSocketDenialResponse)


def test_denial_response_carries_the_http_response() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send(
            {
                "type": "websocket.http.response.start",
                "status": 403,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")],
            }
        )
        await send({"type": "websocket.http.response.body", "body": b"go ", "more_body": True})
        await send({"type": "websocket.http.response.body", "body": b"away"})

    with closing(TestClient(app)) as client, pytest.raises(WebSocketDenialResponse) as info:
        client.websocket_connect("/")
    response = info.value.response
    assert isinstance(info.value, WebSocketDisconnect)
    assert response.status_code == 403
    assert response.reason == "Forbidden"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == "go away"
    # ... and the exception answers to the response's names, as Starlette's does.
    denial = info.value
    assert (denial.status_code, denial.content, denial.text) == (403, b"go away", "go away")
    assert denial.headers["content-type"] == "text/plain; charset=utf-8"
    with pytest.raises(ValueError):
        denial.json()  # "go away" is not JSON


def test_denial_response_ended_by_return_or_error() -> None:
    async def short(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "websocket.http.response.start", "status": 401, "headers": []})

    async def broken(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "websocket.http.response.start", "status": 401, "headers": []})
        raise KeyError("mid-denial")

    async def wrong(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "websocket.http.response.start", "status": 401, "headers": []})
        await send({"type": "websocket.send", "text": "?"})

    client = TestClient(short)
    with client, pytest.raises(WebSocketDenialResponse) as info:
        client.websocket_connect("/")
    assert info.value.response.content == b""
    with closing(TestClient(broken)) as client, pytest.raises(KeyError, match="mid-denial"):
        client.websocket_connect("/")
    with (
        closing(TestClient(wrong)) as client,
        pytest.raises(ASGIProtocolError, match="denial response"),
    ):
        client.websocket_connect("/")


def test_app_close_makes_receive_raise_disconnect() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": 4001, "reason": "bye"})

    with closing(TestClient(app)) as client, client.websocket_connect("/") as ws:
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive_text()
        assert (info.value.code, info.value.reason) == (4001, "bye")
        with pytest.raises(RuntimeError, match="closed"):
            ws.send_text("late")


def test_app_return_reads_as_a_normal_close() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.accept"})

    with closing(TestClient(app)) as client, client.websocket_connect("/") as ws:
        assert ws.receive() == {"type": "websocket.close", "code": 1000, "reason": ""}
        assert ws.receive()["type"] == "websocket.close"  # stays closed, never hangs
        with pytest.raises(WebSocketDisconnect):
            ws.receive_json()


def test_app_exceptions_are_reraised() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        if (await receive()).get("text") == "boom":
            raise ZeroDivisionError("in the app")

    with closing(TestClient(app)) as client:
        with client.websocket_connect("/") as ws:
            ws.send_text("boom")
            with pytest.raises(ZeroDivisionError, match="in the app"):
                ws.receive_text()
        with pytest.raises(ZeroDivisionError), client.websocket_connect("/") as ws:
            ws.send_text("boom")  # raised on exit, as the test did not read it


def test_exception_before_accept_is_reraised() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise LookupError("no websocket here")

    with closing(TestClient(app)) as client, pytest.raises(LookupError, match="no websocket here"):
        client.websocket_connect("/")


def test_app_returning_without_a_handshake_answer() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        return None

    with (
        closing(TestClient(app)) as client,
        pytest.raises(NoResponseError, match="accepting or closing"),
    ):
        client.websocket_connect("/")


def test_http_only_app_gives_a_clear_error() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def odd(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "websocket.send", "text": "early"})

    with (
        closing(TestClient(app)) as client,
        pytest.raises(ASGIProtocolError, match="HTTP-only app"),
    ):
        client.websocket_connect("/")
    with closing(TestClient(odd)) as client, pytest.raises(ASGIProtocolError) as info:
        client.websocket_connect("/")
    assert "HTTP-only" not in str(info.value)
    with closing(TestClient(echo_app)) as client, pytest.raises(AssertionError):
        client.websocket_connect("/")


def test_bad_websocket_urls() -> None:
    with closing(TestClient(echo_ws)) as client, pytest.raises(ValueError, match="scheme must be"):
        client.websocket_connect("ftp://testserver/")
    with (
        closing(TestClient(echo_ws)) as client,
        pytest.raises(ValueError, match="No host supplied"),
    ):
        client.websocket_connect("ws:///path")


def test_close_sends_disconnect_with_code_and_app_disconnect_error_is_quiet() -> None:
    seen: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        seen.append(await receive())
        seen.append(await receive())  # the client is gone: the disconnect again, no hang
        raise WebSocketDisconnect(seen[-1]["code"])

    with closing(TestClient(app)) as client, client.websocket_connect("/") as ws:
        ws.close(code=4000, reason="done")
        ws.close()  # a second close does nothing
    assert seen == [{"type": "websocket.disconnect", "code": 4000, "reason": "done"}] * 2


def test_exit_drains_unread_messages_and_keeps_the_test_error() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.send", "text": "unread"})
        await receive()
        raise RuntimeError("app error after the test failed")

    with (
        TestClient(app) as client,
        pytest.raises(KeyError, match="test"),
        client.websocket_connect("/"),
    ):
        raise KeyError("test")


def test_unexpected_message_where_data_is_expected() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.accept"})
        await receive()

    with (
        TestClient(app) as client,
        client.websocket_connect("/") as ws,
        pytest.raises(ASGIProtocolError, match="where data was expected"),
    ):
        ws.receive_text()


def test_many_messages_in_order() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        for i in range(50):
            await send({"type": "websocket.send", "text": str(i)})
        await send({"type": "websocket.close"})

    with closing(TestClient(app)) as client, client.websocket_connect("/") as ws:
        got: list[Any] = [ws.receive_text() for _ in range(50)]
        assert got == [str(i) for i in range(50)]


def test_a_session_keeps_its_unnamed_client_alive() -> None:
    import gc

    from asgi_testclient import TestClient

    async def echo(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        message = await receive()
        await send({"type": "websocket.send", "text": message["text"]})

    with TestClient(echo).websocket_connect("/") as session:
        gc.collect()
        session.send_text("still here")
        assert session.receive_text() == "still here"


def test_leaving_cancels_an_app_that_ignores_the_disconnect() -> None:
    cancelled = threading.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with TestClient(app).websocket_connect("/"):
        pass
    assert cancelled.is_set()


def test_a_refused_handshake_stops_an_app_still_running() -> None:
    cancelled = threading.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.close", "code": 1003})
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    with pytest.raises(WebSocketDisconnect):
        TestClient(app).websocket_connect("/")
    assert cancelled.is_set()


def test_auth_reaches_the_websocket_handshake() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.send", "bytes": dict(scope["headers"])[b"authorization"]})

    with TestClient(app).websocket_connect("/", auth=("user", "pass")) as ws:
        assert ws.receive_bytes() == b"Basic dXNlcjpwYXNz"


def test_query_params_reach_the_websocket_scope() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        await send(
            {"type": "websocket.send", "bytes": scope["raw_path"] + b"?" + scope["query_string"]}
        )

    with TestClient(app).websocket_connect("/path", params={"a": "1"}) as ws:
        assert ws.receive_bytes() == b"/path?a=1"
