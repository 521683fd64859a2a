"""request_response / websocket_session, the JSON 400, and small helpers."""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
from routing_driver import http, websocket

from asgi_protocol.exceptions import HTTPException
from asgi_responses import NotAResponse, PlainTextResponse, Response
from asgi_routing import (
    InvalidEndpoint,
    RoutedRequest,
    get_name,
    replace_params,
    request_response,
    websocket_session,
)
from asgi_routing.convertors import CONVERTOR_TYPES


async def read_json(request: Any) -> Response:
    data = await request.json()
    return PlainTextResponse(repr(data))


async def test_request_response_async_and_request_type() -> None:
    seen: list[Any] = []

    async def endpoint(request: Any) -> Response:
        seen.append(request)
        return PlainTextResponse("ok")

    reply = await http(request_response(endpoint))
    assert reply.text == "ok"
    assert isinstance(seen[0], RoutedRequest)


async def test_request_response_sync_runs_in_threadpool() -> None:
    import threading

    main = threading.get_ident()
    seen: list[int] = []

    def endpoint(request: Any) -> Response:
        seen.append(threading.get_ident())
        return PlainTextResponse("sync")

    assert (await http(request_response(endpoint))).text == "sync"
    assert seen[0] != main
    # Inside an app of ours too (its exception middleware above), still off the loop's thread.
    assert (await http(request_response(endpoint), scope_app=object())).text == "sync"
    assert seen[1] != main


async def test_json_body() -> None:
    app = request_response(read_json)
    assert (await http(app, "POST", body=b'{"a": 1}')).text == "{'a': 1}"


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe\xfa"])
async def test_invalid_json_body_is_400(body: bytes) -> None:
    # Bare (or inside another framework): answered here.
    reply = await http(request_response(read_json), "POST", body=body)
    assert (reply.status, reply.text) == (400, "Invalid JSON body")
    # Inside an app of ours: raised for its exception middleware (and your handlers).
    with pytest.raises(HTTPException) as info:
        await http(request_response(read_json), "POST", body=body, scope_app=object())
    assert info.value.status_code == 400
    assert info.value.detail == "Invalid JSON body"


async def test_bare_endpoints_answer_their_http_exceptions() -> None:
    async def gone(request: Any) -> Response:
        raise HTTPException(410, "Moved on", headers={"X-Why": "retired"})

    async def nothing(request: Any) -> Response:
        raise HTTPException(304)

    reply = await http(request_response(gone))
    assert (reply.status, reply.text, dict(reply.headers)["x-why"]) == (410, "Moved on", "retired")
    reply = await http(request_response(nothing))
    assert (reply.status, reply.body) == (304, b"")


async def test_an_http_exception_after_the_response_started_propagates() -> None:
    class Late(Response):
        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            await send({"type": "http.response.start", "status": 200, "headers": []})
            raise HTTPException(500, "too late to answer")

    async def late(request: Any) -> Response:
        return Late()

    with pytest.raises(HTTPException, match="too late"):
        await http(request_response(late))


async def test_endpoint_json_errors_are_not_translated() -> None:
    async def buggy(request: Any) -> Response:
        json.loads("{broken")
        return PlainTextResponse("unreachable")  # pragma: no cover

    with pytest.raises(json.JSONDecodeError):
        await http(request_response(buggy))


async def helper() -> Response:
    return PlainTextResponse("never sent")  # pragma: no cover - closed unawaited


async def returns_dict(request: Any) -> Any:
    return {"a": 1}


async def returns_nothing(request: Any) -> Any:
    return None


async def returns_text(request: Any) -> Any:
    return "hi"


async def forgets_await(request: Any) -> Any:
    return helper()


def sync_returns_a_coroutine(request: Any) -> Any:
    return helper()


async def returns_the_class(request: Any) -> Any:
    return PlainTextResponse


@pytest.mark.parametrize(
    ("endpoint", "fix"),
    [
        (returns_dict, "`return JSONResponse(...)`"),
        (returns_nothing, "did you forget `return`?"),
        (returns_text, "`return PlainTextResponse(...)`"),
        (forgets_await, "`await` the call that made it"),
        (sync_returns_a_coroutine, "`await` the call that made it"),
        (returns_the_class, "`return PlainTextResponse(...)`"),
        (functools.partial(returns_dict), "`return JSONResponse(...)`"),
    ],
)
async def test_an_endpoint_returning_no_response_is_told_what_to_return(
    endpoint: Any, fix: str
) -> None:
    name = getattr(endpoint, "func", endpoint).__name__
    with pytest.raises(NotAResponse, match=f"^Endpoint '{name}' returned ") as info:
        await http(request_response(endpoint))
    assert fix in str(info.value)
    assert info.value.__cause__ is None  # not "'dict' object is not callable" underneath


async def test_an_error_inside_a_real_response_stays_its_own() -> None:
    class Broken(Response):
        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            raise TypeError("a bug of the response's")

    async def endpoint(request: Any) -> Response:
        return Broken()

    with pytest.raises(TypeError, match="a bug of the response's") as info:
        await http(request_response(endpoint))
    assert not isinstance(info.value, NotAResponse)


async def test_websocket_session() -> None:
    async def session(ws: Any) -> None:
        await ws.accept()
        await ws.send_text(await ws.receive_text())
        await ws.close()

    sent = await websocket(
        websocket_session(session), incoming=[{"type": "websocket.receive", "text": "x"}]
    )
    assert sent[1] == {"type": "websocket.send", "text": "x"}


async def test_websocket_session_takes_a_decorated_endpoint() -> None:
    """A plain function that hands back the inner coroutine (what decorators produce) works."""

    async def inner(ws: Any) -> None:
        await ws.accept()
        await ws.close()

    @functools.wraps(inner)
    def decorated(ws: Any) -> Any:
        return inner(ws)

    sent = await websocket(websocket_session(decorated))
    assert [m["type"] for m in sent] == ["websocket.accept", "websocket.close"]


def sync_session(ws: Any) -> None:
    pass


async def test_websocket_session_rejects_a_result_that_is_not_awaitable() -> None:
    with pytest.raises(InvalidEndpoint) as info:
        await websocket(websocket_session(sync_session))
    assert isinstance(info.value, TypeError)
    assert str(info.value) == (
        "WebSocket endpoint 'sync_session' returned NoneType, not an awaitable: "
        "define it as `async def sync_session(websocket)`"
    )


def test_get_name() -> None:
    async def func(request: Any) -> None:
        pass  # pragma: no cover

    class Cls:
        pass

    assert get_name(func) == "func"
    assert get_name(Cls) == "Cls"
    assert get_name(Cls()) == "Cls"


def test_replace_params_leaves_unused() -> None:
    path, rest = replace_params("/u/{id}", {"id": CONVERTOR_TYPES["int"]}, {"id": 3, "x": 1})
    assert path == "/u/3"
    assert rest == {"x": 1}


async def takes_nothing() -> Response:
    return PlainTextResponse("never")  # pragma: no cover - refused when wrapped


async def fastapi_style(request: Any, item_id: int) -> Response:
    return PlainTextResponse("never")  # pragma: no cover - refused when wrapped


async def asgi_function(scope: Any, receive: Any, send: Any) -> None:
    pass  # pragma: no cover - refused when wrapped


@pytest.mark.parametrize(
    ("endpoint", "why", "fix"),
    [
        (takes_nothing, "too many positional arguments", "define it as `async def takes_nothing("),
        (fastapi_style, "missing a required argument: 'item_id'", "from {}.path_params"),
        (
            asgi_function,
            "missing a required argument: 'receive'",
            "Give it to Mount(path, app=...)",
        ),
    ],
)
@pytest.mark.parametrize(
    ("wrap", "connection"), [(request_response, "request"), (websocket_session, "websocket")]
)
def test_an_endpoint_that_cannot_take_the_connection_is_refused_when_wrapped(
    endpoint: Any, why: str, fix: str, wrap: Any, connection: str
) -> None:
    with pytest.raises(InvalidEndpoint) as info:
        wrap(endpoint)
    message = str(info.value)
    assert message.startswith(
        f"Endpoint {endpoint.__name__!r} cannot be called with the {connection} alone ({why}): "
    )
    assert fix.format(connection) in message
    assert info.value.endpoint is endpoint


def test_endpoints_that_take_the_connection_in_any_form_are_wrapped() -> None:
    async def extra_defaults(request: Any, flag: bool = False) -> Response:
        return PlainTextResponse("ok")  # pragma: no cover - only wrapped

    async def star(*args: Any) -> Response:
        return PlainTextResponse("ok")  # pragma: no cover - only wrapped

    for endpoint in (extra_defaults, star, functools.partial(fastapi_style, item_id=1)):
        request_response(endpoint)
