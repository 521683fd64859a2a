"""The Router: dispatch order, 404/405, slash redirects, url_path_for, table building."""

from __future__ import annotations

from typing import Any

import pytest
from routing_driver import http, make_scope, websocket

from asgi_protocol.exceptions import HANDLER_SCOPE_KEY, HTTPException
from asgi_protocol.types import Receive, Scope, Send
from asgi_responses import PlainTextResponse, Response
from asgi_routing import (
    BaseRoute,
    Host,
    Match,
    Mount,
    NoMatchFound,
    PathParamError,
    Route,
    Router,
    WebSocketRoute,
)


def text(value: str) -> Any:
    async def endpoint(request: Any) -> Response:
        return PlainTextResponse(value)

    endpoint.__name__ = value
    return endpoint


async def echo_params(request: Any) -> Response:
    params = ",".join(f"{k}={v}" for k, v in sorted(request.path_params.items()))
    return PlainTextResponse(params)


async def ws_hello(websocket: Any) -> None:
    await websocket.accept()
    await websocket.send_text("hello")
    await websocket.close()


class Tagged:
    def __init__(self, tag: str) -> None:
        self.tag = tag

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await PlainTextResponse(self.tag)(scope, receive, send)


async def test_dispatch_and_scope_keys() -> None:
    seen: dict[str, Any] = {}

    async def where(request: Any) -> Response:
        seen.update(request.scope)
        return PlainTextResponse("ok")

    router = Router([Route("/users/{id:int}", where, name="user")])
    assert (await http(router, path="/users/9")).text == "ok"
    assert seen["router"] is router
    assert seen["route"] is router.routes[0]
    assert seen["endpoint"] is where
    assert seen["path_params"] == {"id": 9}


async def test_router_keeps_existing_router_in_scope() -> None:
    outer = object()
    seen: dict[str, Any] = {}

    async def where(request: Any) -> Response:
        seen.update(request.scope)
        return PlainTextResponse("ok")

    scope = make_scope(path="/")
    scope["router"] = outer
    await http(Router([Route("/", where)]), scope=scope)
    assert seen["router"] is outer


async def test_first_match_wins_in_declaration_order() -> None:
    router = Router(
        [
            Route("/users/{name}", text("param")),
            Route("/users/me", text("static")),
            Route("/{a}/{b}", text("generic")),
        ]
    )
    assert (await http(router, path="/users/me")).text == "param"
    assert (await http(router, path="/users/x")).text == "param"
    assert (await http(router, path="/teams/x")).text == "generic"

    router = Router(
        [
            Route("/{a}/{b}", text("generic")),
            Route("/users/me", text("static")),
        ]
    )
    assert (await http(router, path="/users/me")).text == "generic"


async def test_static_before_param_and_mounts() -> None:
    router = Router(
        [
            Route("/users/me", text("me")),
            Route("/users/{id}", text("id")),
            Mount("/users", app=Tagged("mount")),
            Route("/", text("root")),
            Mount("", app=Tagged("catchall")),
        ]
    )
    assert (await http(router, path="/users/me")).text == "me"
    assert (await http(router, path="/users/5")).text == "id"
    assert (await http(router, path="/users/5/posts")).text == "mount"
    assert (await http(router, path="/")).text == "root"
    assert (await http(router, path="/other/x")).text == "catchall"


async def test_not_found() -> None:
    router = Router([Route("/", text("home"))])
    reply = await http(router, path="/missing")
    assert reply.status == 404
    assert reply.text == "Not Found"
    with pytest.raises(HTTPException) as info:
        await http(router, path="/missing", scope_app=object())
    assert info.value.status_code == 404


async def test_websocket_not_found_closes() -> None:
    router = Router([WebSocketRoute("/ws", ws_hello)])
    assert await websocket(router, "/nope") == [
        {"type": "websocket.close", "code": 1000, "reason": ""}
    ]
    sent = await websocket(router, "/ws")
    assert sent[1] == {"type": "websocket.send", "text": "hello"}


async def test_default_app() -> None:
    router = Router([], default=Tagged("fallback"))
    assert (await http(router, path="/x")).text == "fallback"


async def test_method_not_allowed_after_all_routes() -> None:
    router = Router(
        [
            Route("/item", text("get"), methods=["GET"]),
            Route("/item", text("post"), methods=["POST"]),
            Route("/thing", text("thing"), methods=["GET"]),
        ]
    )
    assert (await http(router, "POST", "/item")).text == "post"
    reply = await http(router, "DELETE", "/item")
    assert reply.status == 405
    # Allow names what the path's routes allow together, not only the first's (RFC 9110).
    assert reply.header("allow") == "GET, HEAD, POST"
    alone = await http(router, "QUERY", "/thing")
    assert (alone.status, alone.header("allow")) == (405, "GET, HEAD")


async def test_allow_is_the_union_for_parameter_routes_and_inside_an_app_too() -> None:
    router = Router(
        [
            Route("/items/{id:int}", text("get"), methods=["GET"]),
            Route("/items/{id:int}", text("put"), methods=["PUT", "DELETE"]),
            Route("/items/{name}", text("patch"), methods=["PATCH"]),
        ]
    )
    reply = await http(router, "POST", "/items/7")
    assert reply.header("allow") == "GET, HEAD, PUT, PATCH, DELETE"
    assert (await http(router, "POST", "/items/x")).header("allow") == "PATCH"
    # Inside an application the 405 is an HTTPException: its headers carry the same union.
    scope = make_scope("POST", "/items/7", scope_app=object())
    with pytest.raises(HTTPException) as raised:
        await router(scope, _never_receive, _never_send)
    assert raised.value.status_code == 405
    assert raised.value.headers == {"Allow": "GET, HEAD, PUT, PATCH, DELETE"}


async def _never_receive() -> Any:  # pragma: no cover - a 405 reads no body
    raise AssertionError("no body is read")


async def _never_send(message: Any) -> None:  # pragma: no cover - the exception answers
    raise AssertionError("nothing is sent")


async def test_query_method() -> None:
    router = Router([Route("/search", text("found"), methods=["QUERY"])])
    assert (await http(router, "QUERY", "/search")).text == "found"


async def test_redirect_slashes_relative_keeps_query_and_method() -> None:
    router = Router([Route("/a/", text("a")), Route("/b", text("b"), methods=["POST"])])
    reply = await http(router, path="/a", query=b"x=1&y=2")
    assert reply.status == 307
    assert reply.header("location") == "/a/?x=1&y=2"
    reply = await http(router, "POST", "/b/")
    assert reply.status == 307
    assert reply.header("location") == "/b"
    # Wrong method still counts as "would match" (the redirect keeps the method).
    assert (await http(router, "GET", "/b/")).header("location") == "/b"


async def test_redirect_slashes_quotes_and_mount_root_path() -> None:
    inner = Router([Route("/caf\u00e9 x/", text("ok"))])
    router = Router([Mount("/m", app=inner)])
    reply = await http(router, path="/m/caf\u00e9 x")
    assert reply.status == 307
    assert reply.header("location") == "/m/caf%C3%A9%20x/"


async def test_redirect_slashes_never_protocol_relative() -> None:
    router = Router([Route("//evil.example", text("x"))])
    # The toggled path "//evil.example" as a Location would send the client to another host.
    reply = await http(router, path="//evil.example/")
    assert reply.status == 307
    assert reply.header("location") == "/evil.example"


async def test_no_redirect_when_nothing_matches_or_disabled_or_root() -> None:
    router = Router([Route("/a", text("a"))])
    assert (await http(router, path="/b/")).status == 404
    assert (await http(router, path="/")).status == 404
    router = Router([Route("/a/", text("a"))], redirect_slashes=False)
    assert (await http(router, path="/a")).status == 404


async def test_websocket_no_redirect() -> None:
    router = Router([WebSocketRoute("/ws/", ws_hello)])
    assert (await websocket(router, "/ws"))[0]["type"] == "websocket.close"


async def test_invalid_scope_type() -> None:
    async def receive() -> Any:
        raise AssertionError  # pragma: no cover - never called

    async def send(message: Any) -> None:
        raise AssertionError  # pragma: no cover - never called

    with pytest.raises(ValueError, match="cannot handle scope type 'foo'"):
        await Router()({"type": "foo"}, receive, send)


async def test_route_list_changes_rebuild_index() -> None:
    router = Router([Route("/a", text("a"))])
    assert (await http(router, path="/b")).status == 404
    router.routes.append(Route("/b", text("b")))
    assert (await http(router, path="/b")).text == "b"
    router.routes.insert(0, Route("/b", text("b0")))
    assert (await http(router, path="/b")).text == "b0"
    router.routes.extend([Route("/c", text("c"))])
    assert (await http(router, path="/c")).text == "c"
    router.routes.remove(router.routes[0])
    assert (await http(router, path="/b")).text == "b"
    router.routes.pop()
    assert (await http(router, path="/c")).status == 404
    router.routes[0] = Route("/a", text("a2"))
    assert (await http(router, path="/a")).text == "a2"
    del router.routes[0]
    assert (await http(router, path="/a")).status == 404
    router.routes += [Route("/d", text("d"))]
    assert (await http(router, path="/d")).text == "d"
    router.routes.reverse()
    router.routes.sort(key=lambda route: getattr(route, "path", ""))
    assert [getattr(r, "path", "") for r in router.routes] == ["/b", "/d"]
    router.routes.clear()
    assert (await http(router, path="/d")).status == 404
    router.routes = [Route("/e", text("e"))]
    assert (await http(router, path="/e")).text == "e"


def test_add_methods_and_decorators() -> None:
    router = Router()
    router.add_route("/a", text("a"), methods=["POST"], name="a", include_in_schema=False)
    router.add_websocket_route("/ws", ws_hello, name="ws")
    router.mount("/static", Tagged("static"), name="static")
    router.host("api.example.org", Tagged("api"), name="api")

    @router.route("/deco", methods=["PUT"])
    async def deco(request: Any) -> Response:
        return PlainTextResponse("deco")  # pragma: no cover - registration only

    @router.websocket_route("/wsd")
    async def wsd(websocket: Any) -> None:
        pass  # pragma: no cover - registration only

    first = router.routes[0]
    assert isinstance(first, Route)
    assert first.methods == {"POST"}
    assert not first.include_in_schema
    assert isinstance(router.routes[1], WebSocketRoute)
    assert isinstance(router.routes[2], Mount)
    assert isinstance(router.routes[3], Host)
    assert router.routes[4] == Route("/deco", deco, methods=["PUT"])
    assert router.routes[5] == WebSocketRoute("/wsd", wsd)
    assert router.url_path_for("deco") == "/deco"
    assert router.url_path_for("ws") == "/ws"


def test_url_path_for_and_messages() -> None:
    router = Router(
        [
            Route("/users/{id:int}", echo_params, name="user"),
            Mount("/api", routes=[Route("/items/{pk}", echo_params, name="item")], name="api"),
        ]
    )
    assert router.url_path_for("user", id=1) == "/users/1"
    assert router.url_path_for("api:item", pk="x") == "/api/items/x"
    with pytest.raises(NoMatchFound) as info:
        router.url_path_for("nope", a=1)
    assert str(info.value) == 'No route exists for name "nope" and params "a".'
    with pytest.raises(NoMatchFound) as info:
        router.url_path_for("user")
    assert str(info.value) == 'No route exists for name "user" and params "". Missing params: id.'
    with pytest.raises(NoMatchFound, match="Unexpected params: id") as info:
        router.url_path_for("api:item", pk="x", id=2)
    assert info.value.name == "api:item"


def test_url_path_for_convertor_error_is_value_error() -> None:
    router = Router([Route("/users/{id:int}", echo_params, name="user")])
    with pytest.raises(ValueError, match="negative"):
        router.url_path_for("user", id=-1)


def test_url_path_for_a_param_of_the_wrong_type_names_the_param_route_and_type() -> None:
    router = Router(
        [
            Route("/items/{item_id:int}", echo_params, name="item"),
            Mount("/shop/{shop:int}", routes=[Route("/", echo_params, name="home")], name="shop"),
        ]
    )
    with pytest.raises(PathParamError) as info:
        router.url_path_for("item", item_id="abc")
    assert (
        str(info.value)
        == "Path parameter 'item_id' of '/items/{item_id}' must be an int, got 'abc'"
    )
    assert isinstance(info.value, ValueError)  # int("abc") raised one before
    assert isinstance(info.value, AssertionError)  # Starlette's convertors assert
    assert isinstance(info.value.__cause__, PathParamError)
    with pytest.raises(
        PathParamError,
        match="Path parameter 'shop' of '/shop/{shop}/{path}' must be an int, got None",
    ):
        router.url_path_for("shop:home", shop=None)


def test_router_eq_repr() -> None:
    a = Router([Route("/", echo_params)])
    assert a == Router([Route("/", echo_params)])
    assert a != Router([])
    assert a != [Route("/", echo_params)]
    assert (
        repr(a) == "Router(routes=[Route(path='/', name='echo_params', methods=['GET', 'HEAD'])])"
    )


async def test_router_middleware() -> None:
    log: list[str] = []

    class Mark:
        def __init__(self, app: Any, name: str) -> None:
            self.app = app
            self.name = name

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            log.append(self.name)
            await self.app(scope, receive, send)

    class Spec:
        """Any iterable of (cls, args, kwargs) works as a spec, like asgi_middleware."""

        def __init__(self, name: str) -> None:
            self.name = name

        def __iter__(self) -> Any:
            return iter((Mark, (), {"name": self.name}))

    router = Router([Route("/", text("home"))], middleware=[Spec("one"), Spec("two")])
    assert (await http(router, path="/")).text == "home"
    assert log == ["one", "two"]


async def test_custom_route_subclass_is_always_tried() -> None:
    class Everything(Route):
        def matches(self, scope: Scope) -> tuple[Match, Scope]:
            return Match.FULL, {"endpoint": self.endpoint, "route": self, "path_params": {}}

    router = Router([Route("/a", text("a")), Everything("/never", text("every"))])
    assert (await http(router, path="/a")).text == "a"
    assert (await http(router, path="/zzz/q")).text == "every"


async def test_a_subclass_that_declares_its_pattern_is_indexed_by_it() -> None:
    class Logged(Route):
        def matches(self, scope: Scope) -> tuple[Match, Scope]:
            tried.append(self.path)
            return super().matches(scope)

        def index_pattern(self) -> str | None:
            return self.path

    tried: list[str] = []
    router = Router([Logged("/a", text("a")), Logged("/b", text("b"))])
    assert (await http(router, path="/b")).text == "b"
    assert tried == ["/b"]  # "/a" cannot match "/b": the index never asked it


async def test_routes_appended_to_a_mount_are_served() -> None:
    mount = Mount("/m", routes=[Route("/a", text("a"))])
    router = Router([mount])
    assert (await http(router, path="/m/b")).status == 404
    mount.routes.append(Route("/b", text("b")))
    assert (await http(router, path="/m/b")).text == "b"
    host = Host("example.org", app=Router([]))
    host.routes.append(Route("/c", text("c")))
    reply = await http(Router([host]), path="/c", headers=[("host", "example.org")])
    assert reply.text == "c"


async def test_host_routing_in_router() -> None:
    router = Router(
        [
            Host("{sub}.example.org", app=Router([Route("/", echo_params)]), name="sub"),
            Route("/", text("plain")),
        ]
    )
    reply = await http(router, path="/", headers=[("host", "api.example.org")])
    assert reply.text == "sub=api"
    assert (await http(router, path="/", headers=[("host", "other.org")])).text == "plain"


async def test_many_routes_index() -> None:
    routes: list[BaseRoute] = []
    for i in range(300):
        routes.append(Route(f"/r{i}", text(f"static{i}")))
        routes.append(Route(f"/p{i}/{{id:int}}", echo_params))
    router = Router(routes)
    assert (await http(router, path="/r299")).text == "static299"
    assert (await http(router, path="/p150/7")).text == "id=7"
    assert (await http(router, path="/p150/x")).status == 404


async def test_inside_another_framework_the_router_answers_its_own_errors() -> None:
    """Another framework's app in the scope, no handler of ours: plain 404 / 405 / 413."""
    router = Router(
        [Route("/only-get", lambda request: None), Route("/up", lambda r: None, methods=["POST"])],
        max_body_size=2,
    )
    foreign = object()
    for method, path, status in [("GET", "/nope", 404), ("POST", "/only-get", 405)]:
        scope = make_scope(method, path)
        scope["app"] = foreign
        assert (await http(router, method, path, scope=scope)).status == status
    scope = make_scope("POST", "/up", headers=[("content-length", "3")])
    scope["app"] = foreign
    scope[HANDLER_SCOPE_KEY] = object()  # an outer app of ours, with another framework between
    assert (await http(router, "POST", "/up", scope=scope, body=b"123")).status == 413
