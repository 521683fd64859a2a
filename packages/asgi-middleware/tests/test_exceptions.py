from typing import Any

import pytest
from mw_apps import lifespan_app, run

from asgi_middleware import ExceptionMiddleware, ServerErrorMiddleware
from asgi_protocol.exceptions import (
    ANSWERER_SCOPE_KEY,
    HANDLER_SCOPE_KEY,
    HTTPException,
    WebSocketDisconnect,
    WebSocketException,
)
from asgi_requests import Request
from asgi_responses import NotAResponse, PlainTextResponse
from asgi_testclient import TestClient, WebSocketDenialResponse
from asgi_websockets import WebSocket


def raising(exc: Exception, start: bool = False) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if start:
            await send({"type": "http.response.start", "status": 200, "headers": []})
        raise exc

    return app


def get(app: Any, path: str = "/") -> Any:
    return TestClient(app, raise_server_exceptions=False).get(path)


def test_http_exception_default() -> None:
    response = get(ExceptionMiddleware(raising(HTTPException(418, "teapot", {"X-A": "1"}))))
    assert (response.status_code, response.text, response.headers["x-a"]) == (418, "teapot", "1")


@pytest.mark.parametrize("status", [204, 304])
def test_no_body_statuses(status: int) -> None:
    response = get(ExceptionMiddleware(raising(HTTPException(status))))
    assert response.status_code == status
    assert response.content == b""


def test_handlers_by_class_most_specific_wins() -> None:
    class Base(Exception):
        pass

    class Child(Base):
        pass

    async def base_handler(request: Any, exc: Exception) -> Any:
        return PlainTextResponse("base", 500)

    def child_handler(request: Any, exc: Exception) -> Any:
        return PlainTextResponse("child", 500)

    middleware = ExceptionMiddleware(raising(Child()), handlers={Base: base_handler})
    assert get(middleware).text == "base"
    middleware.add_exception_handler(Child, child_handler)
    assert get(middleware).text == "child"


def test_handlers_by_status_code() -> None:
    def handler(request: Any, exc: Exception) -> Any:
        return PlainTextResponse(f"custom {request.url.path}", 404)

    middleware = ExceptionMiddleware(raising(HTTPException(404)), handlers={404: handler})
    assert get(middleware, "/x").text == "custom /x"
    other = ExceptionMiddleware(raising(HTTPException(400, "bad")), handlers={404: handler})
    assert get(other).text == "bad"


def test_unhandled_reraises() -> None:
    with pytest.raises(KeyError):
        TestClient(ExceptionMiddleware(raising(KeyError("k")))).get("/")


def test_bad_handler_key() -> None:
    with pytest.raises(TypeError, match="Exception subclass or a status code"):
        ExceptionMiddleware(raising(KeyError()), handlers={"nope": print})
    with pytest.raises(TypeError):
        ExceptionMiddleware(raising(KeyError())).add_exception_handler(str, print)  # type: ignore[arg-type]


def test_response_already_started() -> None:
    app = ExceptionMiddleware(raising(HTTPException(400), start=True))
    with pytest.raises(
        RuntimeError, match="Caught handled exception, but response already started."
    ):
        run(app, {"type": "http"})


def test_handler_returning_none() -> None:
    app = ExceptionMiddleware(
        raising(ValueError()), handlers={ValueError: lambda request, exc: None}
    )
    assert run(app, {"type": "http"}) == []


def test_handler_returning_no_response_is_told_what_to_return() -> None:
    async def teapot(request: Any, exc: Exception) -> Any:
        return {"detail": "teapot"}

    app = ExceptionMiddleware(raising(HTTPException(418)), handlers={418: teapot})
    with pytest.raises(NotAResponse) as info:
        run(app, {"type": "http"})
    assert str(info.value).startswith(
        "Exception handler 'teapot' (HTTPException) returned a dict, not a Response: "
    )
    assert "`return JSONResponse(...)`" in str(info.value)


def test_reuses_server_error_tracker() -> None:
    stack = ServerErrorMiddleware(ExceptionMiddleware(raising(HTTPException(400, "bad"))))
    assert get(stack).text == "bad"
    started = ServerErrorMiddleware(ExceptionMiddleware(raising(HTTPException(400), start=True)))
    with pytest.raises(RuntimeError, match="already started"):
        run(started, {"type": "http"})


async def ws_raising(scope: Any, receive: Any, send: Any) -> None:
    await receive()
    raise WebSocketException(1003, "nope")


def test_websocket_exception_closes() -> None:
    client = TestClient(ExceptionMiddleware(ws_raising))
    with pytest.raises(WebSocketDisconnect) as info, client.websocket_connect("/"):
        pass  # pragma: no cover
    assert (info.value.code, info.value.reason) == (1003, "nope")


def test_websocket_custom_handler() -> None:
    seen: list[Any] = []

    async def handler(websocket: WebSocket, exc: Exception) -> None:
        # A real WebSocket, as in Starlette, with its whole API.
        seen.append((type(websocket), websocket.url.path))
        await websocket.close(4000, reason=f"sorry: {exc}")

    client = TestClient(ExceptionMiddleware(ws_raising, handlers={WebSocketException: handler}))
    with pytest.raises(WebSocketDisconnect) as info, client.websocket_connect("/ws"):
        pass  # pragma: no cover
    assert (info.value.code, info.value.reason) == (4000, "sorry: 1003: nope")
    assert seen == [(WebSocket, "/ws")]


def test_lifespan() -> None:
    with TestClient(ExceptionMiddleware(lifespan_app)):
        pass


def test_marks_the_scope_for_endpoints_below() -> None:
    seen: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append((scope[HANDLER_SCOPE_KEY], scope[ANSWERER_SCOPE_KEY]))
        await PlainTextResponse("ok")(scope, receive, send)

    middleware = ExceptionMiddleware(app)
    assert get(middleware).text == "ok"
    assert seen == [(None, middleware)]


async def test_answer_in_place_sends_through_the_given_send() -> None:
    middleware = ExceptionMiddleware(raising(KeyError()))
    sent: list[Any] = []

    async def send(message: Any) -> None:
        sent.append(message)

    exc = HTTPException(418)
    try:
        raise exc
    except HTTPException:
        pass
    assert exc.__traceback__ is not None
    scope = {"type": "http", "method": "GET", "headers": []}
    assert await middleware.answer(exc, Request(scope), scope, None, send)  # type: ignore[arg-type]
    assert sent[0]["status"] == 418
    # Answered: the traceback goes, so a shared instance doesn't pin every request's frames.
    assert exc.__traceback__ is None
    assert not await middleware.answer(KeyError(), Request(scope), scope, None, send)  # type: ignore[arg-type]


def test_handled_exception_clears_traceback() -> None:
    shared = HTTPException(401)
    assert get(ExceptionMiddleware(raising(shared))).status_code == 401
    assert shared.__traceback__ is None


async def ws_accept_then_raise(scope: Any, receive: Any, send: Any) -> None:
    await receive()
    await send({"type": "websocket.accept"})
    raise WebSocketException(1013)


def test_websocket_handlers_still_answer_after_accept() -> None:
    client = TestClient(ExceptionMiddleware(ws_accept_then_raise))
    with client.websocket_connect("/") as ws:
        assert ws.receive() == {"type": "websocket.close", "code": 1013, "reason": ""}


async def ws_denied(scope: Any, receive: Any, send: Any) -> None:
    raise HTTPException(401, "no")


def test_websocket_handler_response_is_a_denial() -> None:
    client = TestClient(ExceptionMiddleware(ws_denied))
    with pytest.raises(WebSocketDenialResponse) as info, client.websocket_connect("/"):
        pass  # pragma: no cover
    assert (info.value.response.status_code, info.value.response.text) == (401, "no")
