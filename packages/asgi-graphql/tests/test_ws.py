from __future__ import annotations

import asyncio
from typing import Any

import pytest
from graphql_driver import EVENTS, SCHEMA, WS

from asgi_graphql import GraphQLApp
from asgi_graphql._ws import GraphQLTransportWSSession


@pytest.fixture
def app() -> GraphQLApp:
    return GraphQLApp(SCHEMA, connection_init_wait_timeout=0.5)


def subscribe(op_id: str, query: str, **extra: Any) -> dict[str, Any]:
    return {"id": op_id, "type": "subscribe", "payload": {"query": query, **extra}}


async def test_subscription_streams_then_completes(app: GraphQLApp) -> None:
    ws = WS(app)
    await ws.init()
    await ws.send(subscribe("1", "subscription { count(upto: 2) }"))
    assert await ws.receive_json() == {"type": "next", "id": "1", "payload": {"data": {"count": 0}}}
    assert await ws.receive_json() == {"type": "next", "id": "1", "payload": {"data": {"count": 1}}}
    assert await ws.receive_json() == {"type": "complete", "id": "1"}
    await ws.disconnect()


async def test_query_over_websocket(app: GraphQLApp) -> None:
    ws = WS(app)
    await ws.init({"token": "t"})
    await ws.send(subscribe("q", "query($n: String) { hello(name: $n) }", variables={"n": "ws"}))
    assert await ws.receive_json() == {
        "type": "next",
        "id": "q",
        "payload": {"data": {"hello": "Hello ws"}},
    }
    assert await ws.receive_json() == {"type": "complete", "id": "q"}
    await ws.send(subscribe("k", "{ contextKeys }"))
    message = await ws.receive_json()
    assert message["payload"]["data"]["contextKeys"] == [
        "background",
        "connection_params",
        "request",
    ]
    await ws.disconnect()


async def test_context_callable_over_websocket() -> None:
    def context(connection: Any, background: Any) -> dict[str, Any]:
        assert background is None
        return {"path": connection.scope["path"]}

    ws = WS(GraphQLApp(SCHEMA, context_value=context))
    await ws.init()
    await ws.send(subscribe("1", "{ contextKeys }"))
    assert (await ws.receive_json())["payload"] == {"data": {"contextKeys": ["path"]}}
    await ws.disconnect()


@pytest.mark.parametrize(
    ("debug", "message"), [(False, "Internal server error"), (True, "no context")]
)
async def test_context_failure_is_an_error_message(
    debug: bool, message: str, caplog: pytest.LogCaptureFixture
) -> None:
    def context(connection: Any, background: Any) -> Any:
        raise RuntimeError("no context")

    ws = WS(GraphQLApp(SCHEMA, context_value=context, debug=debug))
    await ws.init()
    await ws.send(subscribe("1", "{ hello }"))
    assert await ws.receive_json() == {
        "type": "error",
        "id": "1",
        "payload": [{"message": message}],
    }
    await ws.disconnect()
    [record] = caplog.records
    assert "(operation)" in record.getMessage()
    assert record.exc_info is not None
    assert str(record.exc_info[1]) == "no context"


async def test_ping_pong(app: GraphQLApp) -> None:
    ws = WS(app)
    await ws.connect()
    # ping is allowed before connection_init.
    await ws.send({"type": "ping"})
    assert await ws.receive_json() == {"type": "pong"}
    await ws.send({"type": "connection_init"})
    assert await ws.receive_json() == {"type": "connection_ack"}
    await ws.send({"type": "pong"})
    await ws.send({"type": "ping", "payload": {"x": 1}})
    assert await ws.receive_json() == {"type": "pong"}
    await ws.disconnect()


async def test_bytes_frames_are_accepted(app: GraphQLApp) -> None:
    ws = WS(app)
    await ws.connect()
    await ws.send_raw({"bytes": b'{"type": "connection_init"}'})
    assert await ws.receive_json() == {"type": "connection_ack"}
    await ws.disconnect()


async def test_client_complete_cancels(app: GraphQLApp) -> None:
    ws = WS(app)
    await ws.init()
    await ws.send(subscribe("f", "subscription { forever }"))
    assert (await ws.receive_json())["type"] == "next"
    await ws.send({"type": "complete", "id": "f"})
    for _ in range(100):
        if "forever closed" in EVENTS:
            break
        await asyncio.sleep(0.01)
    assert EVENTS == ["forever closed"]
    # The id is free again, and completing an unknown id is harmless.
    await ws.send({"type": "complete", "id": "unknown"})
    await ws.send(subscribe("f", "{ hello }"))
    message = await ws.receive_json()
    while message["type"] == "next" and message["payload"] == {"data": {"forever": 1}}:
        message = await ws.receive_json()  # frames already in flight before the cancel
    assert message == {"type": "next", "id": "f", "payload": {"data": {"hello": "Hello world"}}}
    await ws.disconnect()


async def test_disconnect_cancels_running_operations(app: GraphQLApp) -> None:
    ws = WS(app)
    await ws.init()
    await ws.send(subscribe("f", "subscription { forever }"))
    assert (await ws.receive_json())["type"] == "next"
    await ws.disconnect()
    assert EVENTS == ["forever closed"]


async def test_duplicate_id_closes_4409(app: GraphQLApp) -> None:
    ws = WS(app)
    await ws.init()
    await ws.send(subscribe("d", "subscription { forever }"))
    assert (await ws.receive_json())["type"] == "next"
    await ws.send(subscribe("d", "subscription { forever }"))
    message = await ws.receive()
    while message["type"] == "websocket.send":
        message = await ws.receive()
    assert message == {
        "type": "websocket.close",
        "code": 4409,
        "reason": "Subscriber for d already exists",
    }
    await asyncio.wait_for(ws.task, 5)
    assert EVENTS == ["forever closed"]


async def test_subscribe_before_init_closes_4401(app: GraphQLApp) -> None:
    ws = WS(app)
    await ws.connect()
    await ws.send(subscribe("1", "{ hello }"))
    assert await ws.expect_close(4401) == "Unauthorized"


async def test_init_timeout_closes_4408(app: GraphQLApp) -> None:
    ws = WS(app)
    await ws.connect()
    assert await ws.expect_close(4408) == "Connection initialisation timeout"


async def test_second_init_closes_4429(app: GraphQLApp) -> None:
    ws = WS(app)
    await ws.init()
    await ws.send({"type": "connection_init"})
    assert await ws.expect_close(4429) == "Too many initialisation requests"


async def test_wrong_subprotocol_closes_4406(app: GraphQLApp) -> None:
    ws = WS(app, subprotocols=("graphql-ws",))
    assert await ws.connect() == {"type": "websocket.accept"}
    assert await ws.expect_close(4406) == "Subprotocol not acceptable"


async def test_disconnect_before_connect(app: GraphQLApp) -> None:
    ws = WS(app)
    await ws.disconnect()
    assert ws.from_app.empty()


async def test_disconnect_before_init(app: GraphQLApp) -> None:
    ws = WS(app)
    await ws.connect()
    await ws.disconnect()
    assert ws.from_app.empty()


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ({"text": "not json"}, "Invalid message received"),
        ({"text": "[1]"}, "Invalid message received"),
        ({"text": '{"type": 1}'}, "Invalid message received"),
        ({"bytes": b"\xff"}, "Invalid message received"),
        ({"text": "[" * 100_000}, "Invalid message received"),
        ({"bytes": b'{"type": "ping", "n": ' + b"9" * 5_000 + b"}"}, "Invalid message received"),
        ({"text": '{"type": "whatever"}'}, "Unknown message type 'whatever'"),
        (
            {"text": '{"type": "connection_init", "payload": 3}'},
            "connection_init payload must be an object",
        ),
    ],
)
async def test_invalid_messages_close_4400(
    app: GraphQLApp, message: dict[str, Any], reason: str
) -> None:
    ws = WS(app)
    await ws.connect()
    await ws.send_raw(message)
    assert await ws.expect_close(4400) == reason


@pytest.mark.parametrize(
    "message",
    [
        {"type": "subscribe", "payload": {"query": "{ hello }"}},
        {"type": "subscribe", "id": "", "payload": {"query": "{ hello }"}},
        {"type": "subscribe", "id": "1", "payload": "x"},
        {"type": "subscribe", "id": "1", "payload": {}},
        {"type": "subscribe", "id": "1", "payload": {"query": "{ hello }", "variables": 1}},
        {"type": "subscribe", "id": "1", "payload": {"query": "{ hello }", "operationName": 1}},
        {"type": "complete"},
    ],
)
async def test_invalid_subscribe_closes_4400(app: GraphQLApp, message: dict[str, Any]) -> None:
    ws = WS(app)
    await ws.init()
    await ws.send(message)
    await ws.expect_close(4400)


async def test_invalid_query_is_an_error_message(app: GraphQLApp) -> None:
    ws = WS(app)
    await ws.init()
    await ws.send(subscribe("1", "subscription { nope }"))
    message = await ws.receive_json()
    assert message["type"] == "error"
    assert message["id"] == "1"
    assert "Cannot query field 'nope'" in message["payload"][0]["message"]
    await ws.send(subscribe("2", "query A { hello }", operationName="B"))
    assert await ws.receive_json() == {
        "type": "error",
        "id": "2",
        "payload": [{"message": "Unknown operation named 'B'."}],
    }
    await ws.disconnect()


async def test_subscription_setup_error(app: GraphQLApp) -> None:
    ws = WS(app)
    await ws.init()
    query = "subscription($n: Int!) { count(upto: $n) }"
    await ws.send(subscribe("1", query, variables={"n": "x"}))
    message = await ws.receive_json()
    assert message["type"] == "error"
    assert "Variable '$n'" in message["payload"][0]["message"]
    await ws.disconnect()


async def test_source_failure_mid_stream(app: GraphQLApp) -> None:
    ws = WS(app)
    await ws.init()
    await ws.send(subscribe("1", "subscription { broken }"))
    assert await ws.receive_json() == {
        "type": "next",
        "id": "1",
        "payload": {"data": {"broken": 1}},
    }
    assert await ws.receive_json() == {
        "type": "error",
        "id": "1",
        "payload": [{"message": "Internal server error"}],
    }
    await ws.disconnect()


async def test_resolver_errors_over_websocket_are_generic_too(
    app: GraphQLApp, caplog: pytest.LogCaptureFixture
) -> None:
    ws = WS(app)
    await ws.init()
    await ws.send(subscribe("1", "{ fail refuse }"))
    payload = (await ws.receive_json())["payload"]
    assert [e["message"] for e in payload["errors"]] == [
        "Internal server error",
        "Not allowed here",
    ]
    assert await ws.receive_json() == {"type": "complete", "id": "1"}
    await ws.send(subscribe("2", "subscription { refused }"))
    error = await ws.receive_json()
    assert error["type"] == "error"
    assert [e["message"] for e in error["payload"]] == ["Internal server error"]
    await ws.disconnect()
    assert len(caplog.records) == 2


async def test_an_event_that_fails_to_resolve_is_generic_too(app: GraphQLApp) -> None:
    ws = WS(app)
    await ws.init()
    await ws.send(subscribe("1", "subscription { leaky }"))
    payload = (await ws.receive_json())["payload"]
    assert payload["data"] == {"leaky": None}
    assert [e["message"] for e in payload["errors"]] == ["Internal server error"]
    assert await ws.receive_json() == {"type": "complete", "id": "1"}
    await ws.disconnect()


async def test_limits_apply_over_websocket() -> None:
    ws = WS(GraphQLApp(SCHEMA, max_query_length=5))
    await ws.init()
    await ws.send(subscribe("1", "subscription { count }"))
    assert await ws.receive_json() == {
        "type": "error",
        "id": "1",
        "payload": [{"message": "Query too long"}],
    }
    await ws.disconnect()


async def test_nothing_is_sent_after_close(app: GraphQLApp) -> None:
    sent: list[Any] = []

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> Any:
        raise AssertionError

    session = GraphQLTransportWSSession(
        app.executor,
        {"type": "websocket"},
        receive,
        send,
        root_value=None,
        context_factory=None,  # type: ignore[arg-type]
        connection_init_wait_timeout=1,
    )
    await session.close(4400, "bye")
    await session.close(4500, "again")
    await session.send_json({"type": "pong"})
    assert sent == [{"type": "websocket.close", "code": 4400, "reason": "bye"}]


def test_through_test_client() -> None:
    from asgi_testclient import TestClient

    client = TestClient(GraphQLApp(SCHEMA))
    assert client.post("/", json={"query": "{ hello }"}).json() == {
        "data": {"hello": "Hello world"}
    }
    with client.websocket_connect("/", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json() == {"type": "connection_ack"}
        ws.send_json(subscribe("1", "subscription { count(upto: 1) }"))
        assert ws.receive_json() == {"type": "next", "id": "1", "payload": {"data": {"count": 0}}}
        assert ws.receive_json() == {"type": "complete", "id": "1"}
