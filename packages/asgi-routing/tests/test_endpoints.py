"""HTTPEndpoint and WebSocketEndpoint."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from routing_driver import http, make_scope, websocket

from asgi_protocol.exceptions import HTTPException
from asgi_responses import NotAResponse, PlainTextResponse, Response
from asgi_routing import HTTPEndpoint, Route, Router, WebSocketEndpoint, WebSocketRoute
from asgi_routing.endpoints import UnsupportedData
from asgi_websockets import WebSocket


class Items(HTTPEndpoint):
    async def get(self, request: Any) -> Response:
        return PlainTextResponse(f"get {request.path_params.get('id', '')}")

    def post(self, request: Any) -> Response:
        return PlainTextResponse(f"post in {threading.current_thread().name != 'MainThread'}")


class HeadToo(HTTPEndpoint):
    async def get(self, request: Any) -> Response:
        return PlainTextResponse("get")  # pragma: no cover - head wins

    async def head(self, request: Any) -> Response:
        return PlainTextResponse("", headers={"x-handler": "head"})

    async def query(self, request: Any) -> Response:
        return PlainTextResponse("query")


async def test_http_endpoint_dispatch() -> None:
    router = Router([Route("/items/{id}", Items)])
    assert (await http(router, path="/items/4")).text == "get 4"
    assert (await http(router, "HEAD", "/items/4")).status == 200
    assert (await http(router, "POST", "/items/4")).text == "post in True"


async def test_http_endpoint_explicit_head_and_query() -> None:
    assert (await http(HeadToo, "HEAD")).header("x-handler") == "head"
    assert (await http(HeadToo, "QUERY")).text == "query"


async def test_http_endpoint_405() -> None:
    reply = await http(Items, "DELETE")
    assert reply.status == 405
    assert reply.text == "Method Not Allowed"
    assert reply.header("allow") == "GET, HEAD, POST"
    with pytest.raises(HTTPException) as info:
        await http(Items, "PUT", scope_app=object())
    assert info.value.status_code == 405
    assert info.value.headers == {"Allow": "GET, HEAD, POST"}


async def test_http_endpoint_allow_lists_verbs_in_the_usual_order() -> None:
    class Many(HTTPEndpoint):
        query = delete = post = get = Items.get

    # Not alphabetical ("DELETE, GET, ..."): the order Starlette and most servers use.
    assert (await http(Many, "PUT")).header("allow") == "GET, HEAD, POST, DELETE, QUERY"


async def test_http_endpoint_verb_set_to_none_is_not_offered() -> None:
    class ReadOnly(Items):
        post = None  # type: ignore[assignment]

    reply = await http(ReadOnly, "POST")
    assert (reply.status, reply.header("allow")) == (405, "GET, HEAD")


async def test_http_endpoint_method_not_allowed_can_be_overridden() -> None:
    class Custom(Items):
        async def method_not_allowed(self, request: Any) -> Response:
            return PlainTextResponse(f"no {request.method}", status_code=405)

    reply = await http(Custom, "PUT", scope_app=object())
    assert (reply.status, reply.text) == (405, "no PUT")


async def test_http_endpoint_request_can_send_early_hints() -> None:
    class Hints(HTTPEndpoint):
        async def get(self, request: Any) -> Response:
            await request.send_early_hints("</a.css>; rel=preload")
            return PlainTextResponse("ok")

    scope = make_scope()
    scope["extensions"] = {"http.response.early_hint": {}}
    sent: list[Any] = []

    async def receive() -> Any:
        raise AssertionError  # pragma: no cover

    async def send(message: Any) -> None:
        sent.append(message)

    await Hints(scope, receive, send)
    assert sent[0] == {"type": "http.response.early_hint", "links": [b"</a.css>; rel=preload"]}
    assert [m["type"] for m in sent[1:]] == ["http.response.start", "http.response.body"]


async def test_http_endpoint_never_calls_non_verb_methods() -> None:
    for method in ("__INIT__", "DISPATCH", "METHOD_NOT_ALLOWED"):
        assert (await http(Items, method)).status == 405


async def test_http_endpoint_invalid_json_is_400() -> None:
    class Echo(HTTPEndpoint):
        async def post(self, request: Any) -> Response:
            return PlainTextResponse(str(await request.json()))

    with pytest.raises(HTTPException) as info:
        await http(Echo, "POST", body=b"nope")
    assert info.value.status_code == 400


async def test_bare_http_endpoint_allows_nothing() -> None:
    reply = await http(HTTPEndpoint, "GET")
    assert reply.status == 405
    assert reply.header("allow") == ""


class Mistaken(HTTPEndpoint):
    async def get(self, request: Any) -> Any:
        return {"a": 1}

    def post(self, request: Any) -> Any:
        return None

    async def method_not_allowed(self, request: Any) -> Any:
        return "nope"

    async def put(self, request: Any) -> Response:
        class Broken(Response):
            async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
                raise TypeError("a bug of the response's")

        return Broken()


@pytest.mark.parametrize(
    ("method", "named", "fix"),
    [
        ("GET", "Mistaken.get returned a dict", "`return JSONResponse(...)`"),
        ("POST", "Mistaken.post returned None", "did you forget `return`?"),
        ("DELETE", "Mistaken.method_not_allowed returned a str", "PlainTextResponse(...)"),
    ],
)
async def test_http_endpoint_method_returning_no_response_is_told_what_to_return(
    method: str, named: str, fix: str
) -> None:
    with pytest.raises(NotAResponse, match=f"^{named}, not a Response: ") as info:
        await http(Mistaken, method)
    assert fix in str(info.value)


async def test_http_endpoint_error_inside_a_real_response_stays_its_own() -> None:
    with pytest.raises(TypeError, match="a bug of the response's") as info:
        await http(Mistaken, "PUT")
    assert not isinstance(info.value, NotAResponse)


def test_http_endpoint_rejects_websocket_scope() -> None:
    async def receive() -> Any:
        raise AssertionError  # pragma: no cover

    async def send(message: Any) -> None:
        raise AssertionError  # pragma: no cover

    with pytest.raises(ValueError, match="http scopes, not 'websocket'"):
        Items(make_scope(type_="websocket"), receive, send)


class Log(WebSocketEndpoint):
    events: list[Any]

    async def on_receive(self, websocket: Any, data: Any) -> None:
        self.events.append(("receive", data))
        await websocket.send_text(f"got {data!r}")

    async def on_disconnect(self, websocket: Any, close_code: int) -> None:
        self.events.append(("disconnect", close_code))


def log_endpoint(encoding: str | None) -> tuple[type[Log], list[Any]]:
    events: list[Any] = []
    cls = type("Endpoint", (Log,), {"encoding": encoding, "events": events})
    return cls, events


def receive_text(text: str) -> dict[str, Any]:
    return {"type": "websocket.receive", "text": text}


def receive_bytes(data: bytes) -> dict[str, Any]:
    return {"type": "websocket.receive", "bytes": data}


async def test_websocket_endpoint_raw() -> None:
    cls, events = log_endpoint(None)
    sent = await websocket(cls, incoming=[receive_text("a"), receive_bytes(b"b")])
    assert sent[0]["type"] == "websocket.accept"
    assert events == [("receive", "a"), ("receive", b"b"), ("disconnect", 1000)]


async def test_websocket_endpoint_text_bytes_json() -> None:
    cls, events = log_endpoint("text")
    await websocket(cls, incoming=[receive_text("t")])
    assert events[0] == ("receive", "t")
    cls, events = log_endpoint("bytes")
    await websocket(cls, incoming=[receive_bytes(b"b")])
    assert events[0] == ("receive", b"b")
    cls, events = log_endpoint("json")
    await websocket(cls, incoming=[receive_text('{"a": 1}'), receive_bytes(b"[2]")])
    assert events[:2] == [("receive", {"a": 1}), ("receive", [2])]


@pytest.mark.parametrize(
    ("encoding", "message", "reason"),
    [
        ("text", receive_bytes(b"x"), "Expected text websocket messages, but got bytes"),
        ("bytes", receive_text("x"), "Expected bytes websocket messages, but got text"),
    ],
)
async def test_websocket_endpoint_decode_error_closes_1003_and_raises(
    encoding: str, message: dict[str, Any], reason: str
) -> None:
    # Starlette's rule: close with 1003, then raise (a RuntimeError), so on_disconnect sees 1011.
    cls, events = log_endpoint(encoding)
    sent: list[Any] = []
    with pytest.raises(UnsupportedData, match=f"^{reason}$") as info:
        await websocket(cls, incoming=[message], sent=sent)
    assert isinstance(info.value, RuntimeError)
    assert sent[-1] == {"type": "websocket.close", "code": 1003, "reason": ""}
    assert events == [("disconnect", 1011)]


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (receive_text("{bad"), "Invalid JSON: Expecting property name enclosed in double quotes"),
        (receive_bytes(b"\xff"), "Invalid JSON: Not UTF-8"),
        (receive_text("[" * 100_000), "Invalid JSON: Nested too deeply"),
        ({"type": "websocket.receive"}, "Invalid JSON: Expecting value"),
    ],
)
async def test_websocket_endpoint_invalid_json_closes_1007_without_raising(
    message: dict[str, Any], reason: str
) -> None:
    # The client's doing, not the app's bug: a clean close that says why, and no exception.
    cls, events = log_endpoint("json")
    sent: list[Any] = []
    await websocket(cls, incoming=[receive_text("[1]"), message, receive_text("[2]")], sent=sent)
    assert sent[-1] == {"type": "websocket.close", "code": 1007, "reason": reason}
    assert events == [("receive", [1]), ("disconnect", 1007)]  # nothing read after the close


async def test_websocket_endpoint_decode_takes_the_websocket() -> None:
    # Both keys present, text None: what a server may send for a bytes message.
    sent: list[dict[str, Any]] = []

    async def receive() -> Any:
        raise AssertionError  # pragma: no cover

    async def send(message: Any) -> None:
        sent.append(message)

    cls, _ = log_endpoint("text")
    endpoint = cls(make_scope(type_="websocket"), receive, send)
    socket = WebSocket(endpoint.scope, receive, send)
    message = {"type": "websocket.receive", "text": None, "bytes": b"x"}
    with pytest.raises(UnsupportedData):
        await endpoint.decode(socket, message)
    assert sent == [{"type": "websocket.close", "code": 1003, "reason": ""}]
    assert await endpoint.decode(socket, {"type": "websocket.receive", "text": "t"}) == "t"


async def test_websocket_endpoint_disconnect_code() -> None:
    cls, events = log_endpoint(None)
    await websocket(
        cls,
        incoming=[{"type": "websocket.disconnect", "code": 1001}],
    )
    assert events == [("disconnect", 1001)]


async def test_websocket_endpoint_error_reports_1011() -> None:
    events: list[Any] = []

    class Broken(WebSocketEndpoint):
        async def on_receive(self, websocket: Any, data: Any) -> None:
            raise KeyError("bug")

        async def on_disconnect(self, websocket: Any, close_code: int) -> None:
            events.append(close_code)

    with pytest.raises(KeyError):
        await websocket(Broken, incoming=[receive_text("x")])
    assert events == [1011]


async def test_websocket_endpoint_defaults_in_router() -> None:
    router = Router([WebSocketRoute("/ws", WebSocketEndpoint)])
    sent = await websocket(router, "/ws", incoming=[receive_text("ignored")])
    assert [message["type"] for message in sent] == ["websocket.accept"]


def test_websocket_endpoint_bad_encoding_fails_at_definition() -> None:
    with pytest.raises(ValueError, match=r"Bad\.encoding must be None, 'text', 'bytes' or 'json'"):
        type("Bad", (WebSocketEndpoint,), {"encoding": "xml"})


def test_websocket_endpoint_rejects_http_scope() -> None:
    async def receive() -> Any:
        raise AssertionError  # pragma: no cover

    async def send(message: Any) -> None:
        raise AssertionError  # pragma: no cover

    with pytest.raises(ValueError, match="websocket scopes, not 'http'"):
        WebSocketEndpoint(make_scope(), receive, send)
