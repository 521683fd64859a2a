import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from asgi_lifetime import AppTasks, LifespanManager
from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send
from asgi_testclient import TestClient
from asgi_toolkit import (
    App,
    HTTPException,
    JSONResponse,
    Middleware,
    Mount,
    PlainTextResponse,
    Request,
    Response,
    Route,
    Router,
    WebSocket,
    WebSocketRoute,
)
from asgi_toolkit.exceptions import AlreadyStarted, WebSocketException
from asgi_toolkit.websockets import WebSocketDisconnect


async def homepage(request: Request) -> Response:
    return PlainTextResponse("home")


async def user(request: Request) -> Response:
    return JSONResponse({"id": request.path_params["user_id"]})


async def boom(request: Request) -> Response:
    raise ValueError("kaput")


class TeapotError(Exception):
    pass


async def teapot(request: Request) -> Response:
    raise TeapotError


async def forbidden(request: Request) -> Response:
    raise HTTPException(403, "go away")


async def ws_echo(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(await websocket.receive_text())
    await websocket.close()


def make_app(**kwargs: Any) -> App:
    routes = [
        Route("/", homepage, name="home"),
        Route("/users/{user_id:int}", user, name="user"),
        Route("/boom", boom),
        Route("/teapot", teapot),
        Route("/forbidden", forbidden),
        WebSocketRoute("/ws", ws_echo),
    ]
    return App(routes=routes, **kwargs)


class Recorder:
    """A pure ASGI middleware that logs its name when a request passes through it."""

    def __init__(self, app: ASGIApp, name: str, log: list[str]) -> None:
        self.app = app
        self.name = name
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.log.append(self.name)
        await self.app(scope, receive, send)


class SeesStatus:
    """Records the status the app below it sends, or the exception it raises."""

    def __init__(self, app: ASGIApp, seen: list[object]) -> None:
        self.app = app
        self.seen = seen

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.seen.append(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            self.seen.append(type(exc))
            raise


class Exploding:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raise RuntimeError("middleware broke")
        await self.app(scope, receive, send)


def test_routes_and_basic_responses() -> None:
    client = TestClient(make_app())
    assert client.get("/").text == "home"
    assert client.get("/users/7").json() == {"id": 7}
    response = client.get("/missing")
    assert response.status_code == 404
    assert response.text == "Not Found"


def test_websocket_through_the_app() -> None:
    client = TestClient(make_app())
    with client.websocket_connect("/ws") as session:
        session.send_text("hi")
        assert session.receive_text() == "hi"


def test_user_middleware_runs_in_order() -> None:
    log: list[str] = []
    app = make_app(
        middleware=[Middleware(Recorder, "outer", log), Middleware(Recorder, name="inner", log=log)]
    )
    app.add_middleware(Recorder, "added-last", log)
    assert TestClient(app).get("/").status_code == 200
    assert log == ["added-last", "outer", "inner"]


def test_exception_middleware_is_innermost() -> None:
    """User middleware sees the 403 response, not the HTTPException: it was handled below."""
    seen: list[object] = []
    app = make_app(middleware=[Middleware(SeesStatus, seen)])
    response = TestClient(app).get("/forbidden")
    assert response.status_code == 403
    assert response.text == "go away"
    assert seen == [403]


def test_server_error_middleware_is_outermost() -> None:
    """An error raised in user middleware still gets the 500 handler."""
    calls: list[str] = []

    async def on_error(request: Request, exc: Exception) -> Response:
        calls.append(str(exc))
        return PlainTextResponse("custom 500", status_code=500)

    app = make_app(middleware=[Middleware(Exploding)], exception_handlers={Exception: on_error})
    client = TestClient(app, raise_server_exceptions=False)
    response = client.get("/")
    assert response.status_code == 500
    assert response.text == "custom 500"
    assert calls == ["middleware broke"]
    with pytest.raises(RuntimeError, match="middleware broke"):
        TestClient(app).get("/")


def test_unhandled_error_is_plain_500() -> None:
    client = TestClient(make_app(), raise_server_exceptions=False)
    response = client.get("/boom")
    assert response.status_code == 500
    assert "kaput" not in response.text  # no details leak without debug


def test_handler_by_status_code_500() -> None:
    async def on_500(request: Request, exc: Exception) -> Response:
        return JSONResponse({"error": type(exc).__name__}, status_code=500)

    client = TestClient(make_app(exception_handlers={500: on_500}), raise_server_exceptions=False)
    assert client.get("/boom").json() == {"error": "ValueError"}


def test_handlers_by_class_and_status() -> None:
    async def on_teapot(request: Request, exc: Exception) -> Response:
        return PlainTextResponse("short and stout", status_code=418)

    async def on_404(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return JSONResponse({"missing": request.url.path}, status_code=404)

    def on_403(request: Request, exc: Exception) -> Response:  # sync handlers work too
        return PlainTextResponse("nope", status_code=403)

    app = make_app(exception_handlers={TeapotError: on_teapot, 404: on_404})
    app.add_exception_handler(403, on_403)
    client = TestClient(app)
    teapot_response = client.get("/teapot")
    assert (teapot_response.status_code, teapot_response.text) == (418, "short and stout")
    assert client.get("/nowhere").json() == {"missing": "/nowhere"}
    assert client.get("/forbidden").text == "nope"


def test_websocket_exception_closes_with_code() -> None:
    async def refuse(websocket: WebSocket) -> None:
        raise WebSocketException(code=1008, reason="policy")

    client = TestClient(App(routes=[WebSocketRoute("/ws", refuse)]))
    with pytest.raises(WebSocketDisconnect) as info, client.websocket_connect("/ws"):
        pass
    assert info.value.code == 1008


def test_cannot_change_the_stack_after_start() -> None:
    app = make_app()
    TestClient(app).get("/")
    with pytest.raises(
        RuntimeError, match="Cannot add middleware after an application has started"
    ):
        app.add_middleware(Recorder, "late", [])
    with pytest.raises(RuntimeError, match="Cannot add exception handlers after"):
        app.add_exception_handler(404, lambda request, exc: None)


def test_adding_to_a_started_app_says_where_to_add_instead() -> None:
    app = make_app()
    TestClient(app).get("/")
    with pytest.raises(AlreadyStarted) as info:
        app.add_middleware(Recorder, "late", [])
    assert "Pass it to App(...) (middleware=[Middleware(...)]" in str(info.value)
    assert "or add it before the app serves" in str(info.value)


def built(app: App) -> ASGIApp | None:
    return app.middleware_stack


def test_stack_is_built_once() -> None:
    app = make_app()
    assert built(app) is None
    client = TestClient(app)
    client.get("/")
    stack = built(app)
    assert stack is not None
    client.get("/")
    assert built(app) is stack


def test_debug_page_and_debug_setter() -> None:
    app = make_app()
    client = TestClient(app, raise_server_exceptions=False)
    assert "kaput" not in client.get("/boom").text
    assert app.debug is False
    app.debug = True
    assert app.debug is True
    response = client.get("/boom", headers={"accept": "text/html"})
    assert response.status_code == 500
    assert "ValueError" in response.text
    assert "kaput" in response.text
    app.debug = False
    assert "kaput" not in client.get("/boom").text


def test_debug_before_start() -> None:
    app = make_app()
    app.debug = True
    assert built(app) is None  # still lazy, so middleware can still be added
    app.add_middleware(Recorder, "x", [])
    response = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert "kaput" in response.text


def test_lifespan_hooks_run_through_the_test_client() -> None:
    events: list[str] = []

    async def startup() -> None:
        events.append("startup")

    app = make_app(on_startup=[startup], on_shutdown=[lambda: events.append("shutdown")])
    with TestClient(app) as client:
        assert events == ["startup"]
        assert client.get("/").status_code == 200
    assert events == ["startup", "shutdown"]


def test_lifespan_context_gets_the_app_and_shares_state() -> None:
    seen: list[object] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[dict[str, Any]]:
        seen.append(app)
        yield {"greeting": "hi from lifespan"}
        seen.append("closed")

    async def read_state(request: Request) -> Response:
        assert isinstance(request.state.tasks, AppTasks)
        return PlainTextResponse(request.state.greeting)

    app = App(routes=[Route("/", read_state)], lifespan=lifespan)
    with TestClient(app) as client:
        assert client.get("/").text == "hi from lifespan"
    assert seen == [app, "closed"]


def test_async_generator_lifespan() -> None:
    events: list[str] = []

    async def lifespan(app: App) -> AsyncIterator[None]:
        events.append("up")
        yield
        events.append("down")

    with TestClient(App(lifespan=lifespan)):
        assert events == ["up"]
    assert events == ["up", "down"]


def test_lifespan_and_hooks_together_refused() -> None:
    async def lifespan(app: App) -> AsyncIterator[None]:
        yield

    with pytest.raises(ValueError, match="not both"):
        App(lifespan=lifespan, on_startup=[print])


async def test_app_tasks_drained_at_shutdown() -> None:
    done: list[str] = []

    async def job() -> None:
        done.append("job")

    app = App()
    async with LifespanManager(app) as manager:
        assert manager.state["tasks"] is app.tasks
        app.tasks.start(job)
    assert done == ["job"]
    assert app.tasks.closed


def test_state_and_scope_keys() -> None:
    async def where(request: Request) -> Response:
        return JSONResponse(
            {
                "flag": request.app.state.flag,
                "same_app": request.app is app,
                "router_is_app_router": request.scope["router"] is app.router,
            }
        )

    app = App(routes=[Route("/", where)])
    app.state.flag = "set"
    assert TestClient(app).get("/").json() == {
        "flag": "set",
        "same_app": True,
        "router_is_app_router": True,
    }


async def test_existing_router_in_scope_is_kept() -> None:
    app = make_app()
    marker = object()
    scope: dict[str, Any] = {"type": "lifespan", "router": marker}
    messages = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[Message] = []

    async def receive() -> Message:
        return messages.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    assert scope["router"] is marker
    assert scope["app"] is app
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def test_url_for_and_url_path_for() -> None:
    async def links(request: Request) -> Response:
        return JSONResponse(
            {"user": str(request.url_for("user", user_id=3)), "home": str(request.url_for("home"))}
        )

    app = make_app()
    app.add_route("/links", links)
    assert TestClient(app).get("/links").json() == {
        "user": "http://testserver/users/3",
        "home": "http://testserver/",
    }
    assert app.url_path_for("user", user_id=5) == "/users/5"


def test_building_routes_after_construction() -> None:
    async def ws(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("added")
        await websocket.close()

    sub = Router(routes=[Route("/", homepage, name="sub-home")])
    app = App()
    app.add_route("/home", homepage, methods=["GET"], name="home")
    app.add_websocket_route("/ws", ws, name="ws")
    app.mount("/sub", sub, name="sub")
    app.host("api.example.com", Router(routes=[Route("/", user_root)]), name="api")
    assert len(app.routes) == 4
    assert isinstance(app.routes[2], Mount)
    client = TestClient(app)
    assert client.get("/home").text == "home"
    assert client.post("/home").status_code == 405
    assert client.get("/sub/").text == "home"
    assert app.url_path_for("sub:sub-home") == "/sub/"
    assert client.get("/", headers={"host": "api.example.com"}).text == "api"
    with client.websocket_connect("/ws") as session:
        assert session.receive_text() == "added"


async def user_root(request: Request) -> Response:
    return PlainTextResponse("api")


def test_max_body_size() -> None:
    async def echo(request: Request) -> Response:
        return Response(await request.body())

    app = App(routes=[Route("/", echo, methods=["POST"])], max_body_size=10)
    assert app.max_body_size == 10  # Starlette's attribute
    assert App().max_body_size is None
    client = TestClient(app)
    assert client.post("/", data=b"small").content == b"small"
    assert client.post("/", data=b"x" * 11).status_code == 413
    with pytest.raises(ValueError, match="max_body_size"):
        App(max_body_size=-1)


def test_startup_failure_stops_the_client() -> None:
    def fail() -> None:
        raise ConnectionError("database down")

    app = App(on_startup=[fail])
    client = TestClient(app)
    with pytest.raises(ConnectionError, match="database down"), client:  # the app's own
        pass  # pragma: no cover
    assert not client.portal.running


class MiddlewareBroken(Exception):
    pass


class CrashesOnEveryScope:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        raise MiddlewareBroken("in the middleware")


class CrashesWhenBuilt:
    def __init__(self, app: Any) -> None:
        raise MiddlewareBroken("while the stack is built")


@pytest.mark.parametrize("middleware", [CrashesOnEveryScope, CrashesWhenBuilt])
def test_a_broken_middleware_fails_the_startup_with_its_own_error(middleware: Any) -> None:
    # Lifespan scopes go through the user middleware, and the stack is built by the first one.
    app = App(middleware=[Middleware(middleware)])
    with pytest.raises(MiddlewareBroken), TestClient(app):
        pass  # pragma: no cover


def test_user_middleware_sees_the_lifespan_scope() -> None:
    seen: list[str] = []

    class Spy:
        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            seen.append(scope["type"])
            await self.app(scope, receive, send)

    with TestClient(App(middleware=[Middleware(Spy)])) as client:
        client.get("/")
    assert seen == ["lifespan", "http"]


def test_handlers_start_app_tasks_through_request_state() -> None:
    done: list[str] = []

    async def job(tag: str) -> None:
        done.append(tag)

    async def kick(request: Request) -> Response:
        request.state.tasks.start(job, "from-handler")
        return PlainTextResponse("started", status_code=202)

    app = App(routes=[Route("/", kick)])
    with TestClient(app) as client:
        assert client.get("/").status_code == 202
    assert done == ["from-handler"]


def test_request_url_under_mounts_and_root_path() -> None:
    async def where(request: Request) -> Response:
        return PlainTextResponse(f"{request.url} {request.url_for('where')} {request.base_url}")

    from asgi_toolkit import Mount

    app = App(routes=[Mount("/api", routes=[Route("/where", where, name="where")])])
    assert TestClient(app).get("/api/where?x=1").text == (
        "http://testserver/api/where?x=1 http://testserver/api/where http://testserver/"
    )
    # As in Starlette's client: the test asks for the full path; the router strips root_path.
    assert TestClient(app, root_path="/p").get("/p/api/where").text == (
        "http://testserver/p/api/where http://testserver/p/api/where http://testserver/p/"
    )
