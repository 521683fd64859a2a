"""Hostile JSON wherever a client's JSON is decoded beside request.json(): WebSocket messages
(receive_json, WebSocketEndpoint(encoding="json")) and GraphQL over HTTP and WebSocket.

Each bomb is a clean refusal: a typed exception the app can catch, a close with 1007 (4400 in
graphql-transport-ws) or a 400; never an exception the server has to log.
"""

from __future__ import annotations

import json
import time
from typing import Any

import graphene
import pytest

from asgi_testclient import TestClient
from asgi_toolkit import App
from asgi_toolkit.endpoints import WebSocketEndpoint
from asgi_toolkit.graphql import GraphQLApp
from asgi_toolkit.routing import WebSocketRoute
from asgi_toolkit.websockets import InvalidJSONMessage, WebSocket, WebSocketDisconnect


# Decoded with json.loads, each raises something other than a JSONDecodeError: RecursionError
# for the nesting, a bare ValueError past Python's 4300-digit limit for int().
def bombs(depth: int) -> dict[str, str]:
    return {
        "deep arrays": "[" * depth + "]" * depth,
        "deep objects": '{"a":' * depth + "1" + "}" * depth,
        "long integer": "1" * 5_000,
        "long integer inside": '{"n": ' + "9" * 5_000 + "}",
        "NaN": "[NaN]",
    }


BOMBS = bombs(100_000)
# Still ten times the recursion limit, and small enough for one form field (1 MiB at most).
SMALL_BOMBS = bombs(10_000)
# Binary frames carry bytes: these are not UTF-8 (the last is UTF-16, which RFC 8259 excludes).
NOT_UTF8 = [b'"\xff\xfe"', b'{"a": "\xc0\xae"}', '{"a": 1}'.encode("utf-16")]
# A text frame is a str: a lone surrogate is what is left of bytes that were not UTF-8 (a server
# never delivers one, an in-process caller can).
NOT_UTF8_TEXT = '"\udcff"'

FRAMES: list[Any] = [
    *[pytest.param({"text": bomb}, id=f"text {name}") for name, bomb in BOMBS.items()],
    *[pytest.param({"bytes": bomb.encode()}, id=f"bytes {name}") for name, bomb in BOMBS.items()],
    *[pytest.param({"bytes": raw}, id=f"bytes not utf-8 {i}") for i, raw in enumerate(NOT_UTF8)],
    pytest.param({"text": NOT_UTF8_TEXT}, id="text lone surrogate"),
]


def receive_frame(frame: dict[str, Any]) -> dict[str, Any]:
    return {"type": "websocket.receive", **frame}


def mode_of(frame: dict[str, Any]) -> str:
    return "text" if "text" in frame else "binary"


# -- WebSocket.receive_json -----------------------------------------------------------------


async def tolerant(scope: Any, receive: Any, send: Any) -> None:
    """Catches the typed error, answers it and carries on with the next message."""
    websocket = WebSocket(scope, receive, send)
    await websocket.accept()
    mode = websocket.query_params.get("mode", "text")
    while True:
        try:
            message = await websocket.receive_json(mode)  # type: ignore[arg-type]
        except InvalidJSONMessage as exc:
            await websocket.send_json({"error": exc.reason, "code": exc.code})
        except WebSocketDisconnect:
            return
        else:
            await websocket.send_json({"echo": message})


@pytest.mark.parametrize("frame", FRAMES)
def test_receive_json_raises_a_typed_error_the_app_catches(frame: dict[str, Any]) -> None:
    start = time.perf_counter()
    client = TestClient(tolerant)
    with client.websocket_connect(f"/?mode={mode_of(frame)}") as session:
        session.send(receive_frame(frame))
        answer = session.receive_json()
        assert answer["code"] == 1007
        assert answer["error"].startswith("Invalid JSON")
        # Nothing was lost but the bad message: the connection goes on.
        session.send_json({"ok": 1}, mode=mode_of(frame))  # type: ignore[arg-type]
        assert session.receive_json() == {"echo": {"ok": 1}}
    assert time.perf_counter() - start < 2


async def careless(websocket: WebSocket) -> None:
    """Catches nothing: iter_json ends on a disconnect, the bomb escapes the endpoint."""
    await websocket.accept()
    mode = websocket.query_params.get("mode", "text")
    while True:
        await websocket.send_json({"echo": await websocket.receive_json(mode)})  # type: ignore[arg-type]


@pytest.mark.parametrize("frame", FRAMES)
def test_an_endpoint_that_does_not_catch_it_closes_1007(frame: dict[str, Any]) -> None:
    app = App(routes=[WebSocketRoute("/ws", careless)])
    # raise_server_exceptions (the default): an exception reaching the server fails the test.
    with TestClient(app).websocket_connect(f"/ws?mode={mode_of(frame)}") as session:
        session.send(receive_frame(frame))
        message = session.receive()
    assert (message["type"], message["code"]) == ("websocket.close", 1007)
    assert message["reason"].startswith("Invalid JSON")


# -- WebSocketEndpoint(encoding="json") -----------------------------------------------------

endpoint_events: list[Any] = []


class JSONEcho(WebSocketEndpoint):
    encoding = "json"

    async def on_receive(self, websocket: WebSocket, data: Any) -> None:
        await websocket.send_json({"echo": data})

    async def on_disconnect(self, websocket: WebSocket, close_code: int) -> None:
        endpoint_events.append(close_code)


@pytest.mark.parametrize("frame", FRAMES)
@pytest.mark.parametrize("in_app", [False, True], ids=["alone", "in an App"])
def test_json_endpoint_closes_1007_without_raising(frame: dict[str, Any], in_app: bool) -> None:
    endpoint_events.clear()
    app: Any = App(routes=[WebSocketRoute("/", JSONEcho)]) if in_app else JSONEcho
    with TestClient(app).websocket_connect("/") as session:
        session.send_json({"ok": 1})
        assert session.receive_json() == {"echo": {"ok": 1}}
        session.send(receive_frame(frame))
        message = session.receive()
    assert (message["type"], message["code"]) == ("websocket.close", 1007)
    assert endpoint_events == [1007]


# -- GraphQL --------------------------------------------------------------------------------


class Query(graphene.ObjectType):  # type: ignore[misc]
    echo = graphene.String(value=graphene.String())

    def resolve_echo(self, info: Any, value: str | None = None) -> str | None:
        return value


@pytest.fixture
def graphql() -> TestClient:
    app = GraphQLApp(graphene.Schema(query=Query), graphiql=False, allow_form_posts=True)
    return TestClient(app, headers={"GraphQL-Require-Preflight": "1"})


QUERY = "query ($v: String) { echo(value: $v) }"


def wrapped(prefix: str, value: str, suffix: str = "}") -> list[Any]:
    """Each bomb and undecodable text as the value inside an otherwise valid message."""
    texts = [(name, prefix + bomb + suffix) for name, bomb in BOMBS.items()]
    values: list[tuple[str, dict[str, str | bytes]]] = [(n, {"text": t}) for n, t in texts]
    values += [(f"{name} bytes", {"bytes": text.encode()}) for name, text in texts]
    for i, raw in enumerate([b'"\xff\xfe"', b'"\xc0\xae"']):
        values.append((f"not utf-8 {i}", {"bytes": prefix.encode() + raw + suffix.encode()}))
    valid = prefix + value + suffix
    values.append(("utf-16", {"bytes": valid.encode("utf-16")}))
    values.append(("lone surrogate", {"text": prefix + '"\udcff"' + suffix}))
    return [pytest.param(frame, id=name) for name, frame in values]


@pytest.mark.parametrize(
    "frame", wrapped(json.dumps({"query": QUERY})[:-1] + ', "variables": {"v": ', '"x"', "}}")
)
def test_graphql_http_body_bomb_is_a_400(graphql: TestClient, frame: dict[str, Any]) -> None:
    body = frame["bytes"] if "bytes" in frame else frame["text"].encode("utf-8", "surrogatepass")
    start = time.perf_counter()
    response = graphql.post("/", content=body, headers={"content-type": "application/json"})
    assert time.perf_counter() - start < 2
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["message"].startswith("Request body is not valid JSON")


@pytest.mark.parametrize("bomb", list(SMALL_BOMBS.values()), ids=list(SMALL_BOMBS))
def test_graphql_variables_bomb_is_a_400(graphql: TestClient, bomb: str) -> None:
    variables = '{"v": ' + bomb + "}"
    for response in (
        graphql.get("/", params={"query": QUERY, "variables": variables}),
        graphql.post("/", data={"query": QUERY, "variables": variables}),
    ):
        assert response.status_code == 400
        [error] = response.json()["errors"]
        assert error["message"].startswith("Variables are not valid JSON")


@pytest.mark.parametrize(
    "frame", wrapped('{"type": "connection_init", "payload": {"v": ', "1", "}}")
)
def test_graphql_ws_bomb_before_init_closes_4400(
    graphql: TestClient, frame: dict[str, Any]
) -> None:
    with graphql.websocket_connect("/", subprotocols=["graphql-transport-ws"]) as session:
        session.send(receive_frame(frame))
        message = session.receive()
    assert (message["type"], message["code"]) == ("websocket.close", 4400)


SUBSCRIBE = '{"type": "subscribe", "id": "1", "payload": {"query": ' + json.dumps(QUERY)
SUBSCRIBE += ', "variables": {"v": '


@pytest.mark.parametrize("frame", wrapped(SUBSCRIBE, '"x"', "}}}"))
def test_graphql_ws_bomb_after_init_closes_4400(graphql: TestClient, frame: dict[str, Any]) -> None:
    with graphql.websocket_connect("/", subprotocols=["graphql-transport-ws"]) as session:
        session.send_text(json.dumps({"type": "connection_init"}))
        assert session.receive_json() == {"type": "connection_ack"}
        session.send(receive_frame(frame))
        message = session.receive()
    assert (message["type"], message["code"]) == ("websocket.close", 4400)


def test_graphql_ws_sanity_the_wrapped_messages_are_valid(graphql: TestClient) -> None:
    with graphql.websocket_connect("/", subprotocols=["graphql-transport-ws"]) as session:
        session.send_text('{"type": "connection_init", "payload": {"v": 1}}')
        assert session.receive_json() == {"type": "connection_ack"}
        session.send_text(SUBSCRIBE + '"x"}}}')
        assert session.receive_json()["payload"] == {"data": {"echo": "x"}}
    body = json.dumps({"query": QUERY, "variables": {"v": "x"}})
    response = graphql.post("/", content=body, headers={"content-type": "application/json"})
    assert response.json() == {"data": {"echo": "x"}}
