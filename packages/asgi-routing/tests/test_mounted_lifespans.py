"""The lifespans of mounted apps: a Router runs its Mount and Host apps' lifespans inside its own."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from routing_driver import http, make_scope

from asgi_lifetime import LifespanDriver
from asgi_protocol.types import ASGIApp, Receive, Scope, Send
from asgi_requests import Request
from asgi_responses import JSONResponse, PlainTextResponse
from asgi_routing import Host, Mount, Route, Router, WebSocketRoute
from asgi_testclient import TestClient
from asgi_websockets import WebSocket

Lifespan = Callable[[Any], contextlib.AbstractAsyncContextManager[Any]]


def recording(log: list[str], name: str, state: dict[str, Any] | None = None) -> Lifespan:
    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[dict[str, Any] | None]:
        log.append(f"enter {name}")
        try:
            yield state
        except BaseException as exc:
            log.append(f"exit {name} with {type(exc).__name__}")
            raise
        log.append(f"exit {name}")

    return lifespan


async def show_state(request: Request) -> JSONResponse:
    """The request's state, but for what every lifespan puts there (tasks, shutdown signal)."""
    state = request.scope["state"]
    own = ("tasks", "shutdown")
    return JSONResponse({key: value for key, value in state.items() if key not in own})


def test_two_levels_and_two_siblings_nest_strictly() -> None:
    log: list[str] = []
    deep = Router(lifespan=recording(log, "deep"))
    a = Router([Mount("/deep", deep)], lifespan=recording(log, "a"))
    b = Router(lifespan=recording(log, "b"))
    app = Router([Mount("/a", a), Mount("/b", b)], lifespan=recording(log, "outer"))
    with TestClient(app):
        assert log == ["enter outer", "enter a", "enter deep", "enter b"]
    assert log[4:] == ["exit b", "exit deep", "exit a", "exit outer"]


def test_mount_routes_recurse_into_their_mounts() -> None:
    log: list[str] = []
    inner = Router(lifespan=recording(log, "inner"))
    app = Router([Mount("/api", routes=[Mount("/v1", inner)])])
    with TestClient(app):
        assert log == ["enter inner"]
    assert log == ["enter inner", "exit inner"]


def test_inner_state_under_the_mount_outer_state_too_and_no_leak_to_siblings() -> None:
    log: list[str] = []
    first = Router([Route("/", show_state)], lifespan=recording(log, "1", {"db": "first db"}))
    second = Router([Route("/", show_state)], lifespan=recording(log, "2", {"cache": "c"}))
    app = Router(
        [Mount("/1", first), Mount("/2", second), Route("/", show_state)],
        lifespan=recording(log, "outer", {"db": "outer db", "config": "cfg"}),
    )
    with TestClient(app) as client:
        assert client.get("/1/").json() == {"db": "first db", "config": "cfg"}
        assert client.get("/2/").json() == {"db": "outer db", "config": "cfg", "cache": "c"}
        assert client.get("/").json() == {"db": "outer db", "config": "cfg"}
        assert client.get("/1/").json() == {"db": "first db", "config": "cfg"}


def test_the_mounted_apps_own_task_group_serves_its_requests() -> None:
    seen: dict[str, Any] = {}

    async def remember(request: Request) -> PlainTextResponse:
        seen[request.url.path] = request.state.tasks
        return PlainTextResponse("")

    inner = Router([Route("/", remember)], lifespan=recording([], "inner", {"x": 1}))
    plain = Router([Route("/", remember)])  # no lifespan state: the outer group serves it
    app = Router([Mount("/in", inner), Mount("/plain", plain), Route("/", remember)])
    with TestClient(app) as client:
        client.get("/in/")
        client.get("/plain/")
        client.get("/")
    assert seen["/in/"] is inner.lifespan_runner.tasks
    assert seen["/plain/"] is seen["/"] is app.lifespan_runner.tasks


def test_a_write_under_the_mount_reaches_middleware_outside_it() -> None:
    outside: dict[str, Any] = {}

    async def endpoint(request: Request) -> PlainTextResponse:
        request.state.user = "ann"
        return PlainTextResponse(request.state.db)

    def reads_state_after(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            await app(scope, receive, send)
            if scope["type"] == "http":
                outside.update(scope["state"])

        return middleware

    inner = Router([Route("/", endpoint)], lifespan=recording([], "inner", {"db": "inner db"}))
    app = Router([Mount("/x", inner)], middleware=[(reads_state_after, (), {})])
    with TestClient(app) as client:
        assert client.get("/x/").text == "inner db"
    assert outside["user"] == "ann"
    assert "db" not in outside  # the mounted app's lifespan state stays under the mount


def test_a_failing_inner_startup_fails_the_app_and_the_outer_context_sees_it() -> None:
    log: list[str] = []

    @contextlib.asynccontextmanager
    async def broken(app: Any) -> AsyncIterator[None]:
        raise ConnectionError("db down")
        yield  # pragma: no cover

    earlier = Router(lifespan=recording(log, "earlier"))
    app = Router(
        [Mount("/e", earlier), Mount("/x", Router(lifespan=broken)), Mount("/l", Router())],
        lifespan=recording(log, "outer"),
    )
    with pytest.raises(ConnectionError, match="db down") as caught, TestClient(app):
        raise AssertionError("never started")  # pragma: no cover
    assert log == [
        "enter outer",
        "enter earlier",
        "exit earlier",
        "exit outer with ConnectionError",
    ]
    assert "(raised by the lifespan startup of Mount('/x'))" in caught.value.__notes__


def test_a_failing_inner_shutdown_lets_the_rest_shut_down() -> None:
    log: list[str] = []

    @contextlib.asynccontextmanager
    async def stuck(app: Any) -> AsyncIterator[None]:
        yield
        raise OSError("flush failed")

    app = Router(
        [Mount("/a", Router(lifespan=recording(log, "a"))), Mount("/x", Router(lifespan=stuck))],
        lifespan=recording(log, "outer"),
    )
    with pytest.raises(OSError, match="flush failed") as caught, TestClient(app):
        pass
    assert log == ["enter outer", "enter a", "exit a", "exit outer"]
    assert caught.value.__notes__ == ["(raised by the lifespan shutdown of Mount('/x'))"]


async def asserts_http(scope: Scope, receive: Receive, send: Send) -> None:
    assert scope["type"] == "http"
    await PlainTextResponse("raw")(scope, receive, send)


async def returns_on_lifespan(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        return
    await PlainTextResponse("returned")(scope, receive, send)


def test_apps_without_a_lifespan_are_skipped(caplog: pytest.LogCaptureFixture) -> None:
    log: list[str] = []
    app = Router(
        [
            Mount("/raw", asserts_http),
            Mount("/ret", returns_on_lifespan),
            Mount("/ok", Router(lifespan=recording(log, "ok"))),
        ]
    )
    with caplog.at_level(logging.DEBUG, logger="asgi_lifetime.nested"), TestClient(app) as client:
        assert client.get("/raw/").text == "raw"
        assert client.get("/ret/").text == "returned"
    assert log == ["enter ok", "exit ok"]
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0].startswith("Mount('/raw'): no lifespan (it raised AssertionError")
    assert messages[1] == "Mount('/ret'): no lifespan (it did not answer lifespan.startup)"


def test_run_lifespan_false_opts_out() -> None:
    log: list[str] = []
    sub = Router(lifespan=recording(log, "sub"))

    @contextlib.asynccontextmanager
    async def outer(app: Any) -> AsyncIterator[None]:
        async with sub.lifespan_context(sub):  # the usual Starlette workaround, kept
            yield

    app = Router(lifespan=outer)
    app.mount("/sub", sub, run_lifespan=False)
    app.routes.append(Mount("/also", sub, run_lifespan=False))
    app.host("sub.example.org", sub, run_lifespan=False)
    with TestClient(app):
        pass
    assert log == ["enter sub", "exit sub"]  # once, by hand


def test_the_same_app_mounted_twice_runs_once() -> None:
    log: list[str] = []
    shared = Router([Route("/", show_state)], lifespan=recording(log, "shared", {"s": 1}))
    app = Router([Mount("/a", shared), Mount("/b", shared), Host("h.example.org", shared)])
    with TestClient(app) as client:
        assert client.get("/a/").json() == {"s": 1}
        assert client.get("/b/").json() == {"s": 1}
        assert client.get("http://h.example.org/").json() == {"s": 1}
    assert log == ["enter shared", "exit shared"]


def test_host_routes_run_their_apps_lifespan_and_show_its_state() -> None:
    log: list[str] = []
    api = Router([Route("/", show_state)], lifespan=recording(log, "api", {"api": True}))
    app = Router([Host("api.example.org", api), Route("/", show_state)])
    with TestClient(app) as client:
        assert client.get("http://api.example.org/").json() == {"api": True}
        assert client.get("http://other.example.org/").json() == {}
    assert log == ["enter api", "exit api"]


def test_a_mounts_middleware_sees_the_lifespan_too() -> None:
    log: list[str] = []

    def logs_scopes(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            log.append(f"middleware {scope['type']}")
            await app(scope, receive, send)

        return middleware

    inner = Router([Route("/", show_state)], lifespan=recording(log, "inner", {"i": 1}))
    app = Router([Mount("/x", inner, middleware=[(logs_scopes, (), {})])])
    with TestClient(app) as client:
        assert client.get("/x/").json() == {"i": 1}
    assert log == ["middleware lifespan", "enter inner", "middleware http", "exit inner"]


def test_a_mount_without_lifespan_state_leaves_the_request_state_alone() -> None:
    seen: list[Any] = []

    async def endpoint(request: Request) -> PlainTextResponse:
        seen.append(request.scope["state"])
        return PlainTextResponse("")

    def keeps_state(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http":
                seen.append(scope["state"])
            await app(scope, receive, send)

        return middleware

    app = Router([Mount("/x", Router([Route("/", endpoint)]))], middleware=[(keeps_state, (), {})])
    with TestClient(app) as client:
        client.get("/x/")
    assert seen[0] is seen[1]  # the very dict: nothing built for this request


async def test_a_state_mount_without_server_state_still_shows_the_lifespan_state() -> None:
    inner = Router([Route("/", show_state)], lifespan=recording([], "inner", {"i": 1}))
    app = Router([Mount("/x", inner)])
    driver = LifespanDriver(app)
    assert await driver.startup()
    scope = make_scope("GET", "/x/")
    del scope["state"]  # a server that gives requests no state
    reply = await http(app, scope=scope)
    await driver.shutdown()
    assert reply.body == b'{"i":1}'
    assert "state" not in scope  # taken back out


def test_websockets_under_the_mount_see_its_state_too() -> None:
    async def session(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text(websocket.state.db)
        await websocket.close()

    inner = Router([WebSocketRoute("/ws", session)], lifespan=recording([], "i", {"db": "ws db"}))
    app = Router([Mount("/x", inner)])
    with TestClient(app) as client, client.websocket_connect("/x/ws") as ws:
        assert ws.receive_text() == "ws db"
