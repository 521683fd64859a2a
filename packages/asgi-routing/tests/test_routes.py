from __future__ import annotations

import functools
from typing import Any

import pytest
from routing_driver import http, make_scope, websocket

from asgi_protocol.exceptions import HTTPException
from asgi_protocol.types import Receive, Scope, Send
from asgi_responses import PlainTextResponse, Response
from asgi_routing import (
    BaseRoute,
    Host,
    HTTPEndpoint,
    InvalidEndpoint,
    InvalidMethods,
    Match,
    Mount,
    NoMatchFound,
    Route,
    Router,
    WebSocketEndpoint,
    WebSocketRoute,
)


async def homepage(request: Any) -> Response:
    return PlainTextResponse("home")


async def user(request: Any) -> Response:
    return PlainTextResponse(f"user {request.path_params['id']}")


def sync_page(request: Any) -> Response:
    return PlainTextResponse("sync")


class RawApp:
    """A plain ASGI app (not a function, so routes use it as an app, not an endpoint)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await PlainTextResponse(f"raw {scope['method']}")(scope, receive, send)


raw_app = RawApp()


async def ws_echo(websocket: Any) -> None:
    await websocket.accept()
    await websocket.send_text(f"hi {websocket.path_params.get('room', '')}")
    await websocket.close()


class Recorder:
    """A middleware that records the scope keys it saw."""

    def __init__(self, app: Any, log: list[str], tag: str = "") -> None:
        self.app = app
        self.log = log
        self.tag = tag

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.log.append(self.tag)
        await self.app(scope, receive, send)


# Route


async def test_route_function_endpoint() -> None:
    route = Route("/", homepage)
    assert route.name == "homepage"
    assert route.methods == {"GET", "HEAD"}
    reply = await http(route, path="/")
    assert reply.status == 200
    assert reply.text == "home"


async def test_route_sync_endpoint_runs() -> None:
    reply = await http(Route("/s", sync_page), path="/s")
    assert reply.text == "sync"


async def test_route_partial_endpoint_is_a_function() -> None:
    async def greet(request: Any, word: str) -> Response:
        return PlainTextResponse(word)

    route = Route("/g", functools.partial(greet, word="hey"))
    assert route.methods == {"GET", "HEAD"}
    assert (await http(route, path="/g")).text == "hey"


async def test_route_method_endpoint() -> None:
    class Views:
        async def page(self, request: Any) -> Response:
            return PlainTextResponse("method")

    route = Route("/m", Views().page)
    assert route.name == "page"
    assert (await http(route, path="/m")).text == "method"


async def test_route_asgi_app_endpoint_takes_all_methods() -> None:
    route = Route("/raw", raw_app)
    assert route.methods is None
    assert (await http(route, "DELETE", "/raw")).text == "raw DELETE"


async def test_route_asgi_function_is_an_endpoint() -> None:
    # As in Starlette: any function is a request -> response endpoint, GET only.
    async def raw(request: Any) -> Response:
        return PlainTextResponse(request.method)

    route = Route("/x", raw)
    assert route.name == "raw"
    assert (await http(route, "HEAD", "/x")).status == 200


async def test_route_methods_and_head() -> None:
    route = Route("/", homepage, methods=["get", "query"])
    assert route.methods == {"GET", "HEAD", "QUERY"}
    assert (await http(route, "QUERY", "/")).status == 200
    assert (await http(route, "HEAD", "/")).status == 200


async def test_route_post_only_has_no_head() -> None:
    route = Route("/", homepage, methods=["POST"])
    assert route.methods == {"POST"}
    reply = await http(route, "GET", "/")
    assert reply.status == 405
    assert reply.header("allow") == "POST"


async def test_route_405_response_without_app() -> None:
    route = Route("/", homepage, methods=["GET", "POST"])
    reply = await http(route, "PUT", "/")
    assert reply.status == 405
    assert reply.text == "Method Not Allowed"
    assert reply.header("allow") == "GET, HEAD, POST"


async def test_route_allow_header_lists_verbs_in_the_usual_order() -> None:
    route = Route("/", homepage, methods=["query", "DELETE", "post", "GET", "PURGE", "BREW"])
    reply = await http(route, "PUT", "/")
    # Known verbs as Starlette orders them (not alphabetically), unknown ones after, sorted.
    assert reply.header("allow") == "GET, HEAD, POST, DELETE, QUERY, BREW, PURGE"


async def test_route_405_raises_inside_app() -> None:
    route = Route("/", homepage)
    with pytest.raises(HTTPException) as info:
        await http(route, "POST", "/", scope_app=object())
    assert info.value.status_code == 405
    assert info.value.headers == {"Allow": "GET, HEAD"}


async def test_route_matches_sets_scope() -> None:
    route = Route("/users/{id:int}", user)
    match, child = route.matches(make_scope(path="/users/3"))
    assert match is Match.FULL
    assert child == {"endpoint": user, "route": route, "path_params": {"id": 3}}
    match, child = route.matches(make_scope("POST", "/users/3"))
    assert match is Match.PARTIAL
    assert route.matches(make_scope(path="/users/x")) == (Match.NONE, {})
    assert route.matches(make_scope(path="/users/3", type_="websocket")) == (Match.NONE, {})


async def test_route_does_not_match_trailing_newline() -> None:
    route = Route("/a", homepage)
    assert route.matches(make_scope(path="/a\n"))[0] is Match.NONE


async def test_route_merges_outer_path_params() -> None:
    route = Route("/{id}", user)
    scope = make_scope(path="/5")
    scope["path_params"] = {"org": "acme"}
    _, child = route.matches(scope)
    assert child["path_params"] == {"org": "acme", "id": "5"}


def test_route_path_must_start_with_slash() -> None:
    with pytest.raises(ValueError, match="must start with '/', got 'users'"):
        Route("users", homepage)


def test_route_bad_path_fails_at_construction() -> None:
    with pytest.raises(ValueError, match="'bogus'"):
        Route("/{x:bogus}", homepage)


def test_route_url_path_for() -> None:
    route = Route("/users/{id:int}", user, name="user")
    url = route.url_path_for("user", id=5)
    assert url == "/users/5"
    assert url.protocol == "http"


def test_url_path_for_keeps_placeholder_like_values() -> None:
    # Each slot is filled once: a value that looks like another slot is not filled again.
    route = Route("/{category}/{id}", homepage, name="route")
    assert route.url_path_for("route", category="{id}", id="42") == "/{id}/42"
    assert route.url_path_for("route", category="a", id="{category}") == "/a/{category}"
    mount = Mount("/{org}", routes=[Route("/{name}", homepage, name="item")], name="m")
    assert mount.url_path_for("m:item", org="{name}", name="x") == "/{name}/x"
    host = Host("{sub}.example.org", app=Router([Route("/{id}", homepage, name="i")]), name="h")
    assert host.url_path_for("h:i", sub="a", id="{sub}") == "/{sub}"


def test_route_url_path_for_errors() -> None:
    route = Route("/users/{id:int}/{tab}", user, name="user")
    with pytest.raises(
        NoMatchFound, match='^No route exists for name "other" and params "id".$'
    ) as info:
        route.url_path_for("other", id=5)
    assert not info.value.name_found
    with pytest.raises(NoMatchFound) as info:
        route.url_path_for("user", id=5, page=2)
    assert str(info.value) == (
        'No route exists for name "user" and params "id, page". '
        "Missing params: tab. Unexpected params: page."
    )
    assert info.value.missing == ["tab"]
    assert info.value.extra == ["page"]
    assert info.value.name_found


def test_route_eq_and_repr() -> None:
    a = Route("/", homepage, methods=["GET"])
    assert a == Route("/", homepage, methods=["GET"])
    assert a != Route("/", homepage, methods=["POST"])
    assert a != Route("/x", homepage)
    assert a != "/"
    assert repr(a) == "Route(path='/', name='homepage', methods=['GET', 'HEAD'])"
    assert repr(Route("/", raw_app)) == "Route(path='/', name='RawApp', methods=[])"


async def test_route_middleware_wraps_once_in_order() -> None:
    log: list[str] = []
    route = Route(
        "/",
        homepage,
        middleware=[(Recorder, (log,), {"tag": "outer"}), (Recorder, (log,), {"tag": "inner"})],
    )
    assert (await http(route, path="/")).text == "home"
    assert log == ["outer", "inner"]


async def test_base_route_call_not_found() -> None:
    route = Route("/", homepage)
    reply = await http(route, path="/nope")
    assert reply.status == 404
    assert reply.text == "Not Found"
    with pytest.raises(HTTPException) as info:
        await http(route, path="/nope", scope_app=object())
    assert info.value.status_code == 404
    sent = await websocket(WebSocketRoute("/ws", ws_echo), "/other")
    assert sent == [{"type": "websocket.close", "code": 1000, "reason": ""}]


# WebSocketRoute


async def test_websocket_route() -> None:
    route = WebSocketRoute("/ws/{room}", ws_echo)
    assert route.name == "ws_echo"
    sent = await websocket(route, "/ws/lobby")
    assert sent[0]["type"] == "websocket.accept"
    assert sent[1] == {"type": "websocket.send", "text": "hi lobby"}
    assert route.matches(make_scope(path="/ws/lobby"))[0] is Match.NONE
    _, child = route.matches(make_scope(path="/ws/x", type_="websocket"))
    assert child == {"endpoint": ws_echo, "route": route, "path_params": {"room": "x"}}
    assert route.matches(make_scope(path="/zz", type_="websocket")) == (Match.NONE, {})


async def test_websocket_route_asgi_app_and_middleware() -> None:
    log: list[str] = []

    class App:
        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            await send({"type": "websocket.close", "code": 1001})

    route = WebSocketRoute("/ws", App(), name="w", middleware=[(Recorder, (log,), {})])
    assert route.name == "w"
    assert await websocket(route, "/ws") == [{"type": "websocket.close", "code": 1001}]
    assert log == [""]


def test_websocket_route_errors_and_urls() -> None:
    with pytest.raises(ValueError, match="must start with '/'"):
        WebSocketRoute("ws", ws_echo)

    route = WebSocketRoute("/ws/{room}", ws_echo, name="room")
    url = route.url_path_for("room", room="a")
    assert url == "/ws/a"
    assert url.protocol == "websocket"
    with pytest.raises(NoMatchFound, match="Missing params: room"):
        route.url_path_for("room")
    assert route == WebSocketRoute("/ws/{room}", ws_echo)
    assert route != WebSocketRoute("/ws/{other}", ws_echo)
    assert route != Route("/ws/{room}", ws_echo)
    assert repr(route) == "WebSocketRoute(path='/ws/{room}', name='room')"


# Mount


async def test_mount_routes_root_path() -> None:
    seen: list[Scope] = []

    async def where(request: Any) -> Response:
        seen.append(dict(request.scope))
        return PlainTextResponse("ok")

    mount = Mount("/api/{version}", routes=[Route("/users/{id}", where)])
    reply = await http(mount, path="/app/api/v1/users/7", root_path="/app")
    assert reply.status == 200
    scope = seen[0]
    assert scope["path"] == "/app/api/v1/users/7"
    assert scope["root_path"] == "/app/api/v1"
    assert scope["app_root_path"] == "/app"
    assert scope["path_params"] == {"version": "v1", "id": "7"}
    assert scope["endpoint"] is where


async def test_mount_app() -> None:
    mount = Mount("/raw/", app=raw_app)
    assert mount.path == "/raw"
    assert mount.routes == []
    reply = await http(mount, "POST", "/raw/anything")
    assert reply.text == "raw POST"
    assert mount.matches(make_scope(path="/raw"))[0] is Match.NONE
    assert mount.matches({"type": "lifespan"})[0] is Match.NONE
    _, child = mount.matches(make_scope(path="/raw/"))
    assert child["root_path"] == "/raw"
    assert child["route"] is mount


async def test_mount_at_root_and_websocket() -> None:
    mount = Mount("", routes=[WebSocketRoute("/ws/{room}", ws_echo)])
    sent = await websocket(mount, "/ws/r1")
    assert sent[1]["text"] == "hi r1"


def test_mount_errors() -> None:
    with pytest.raises(ValueError, match="must start with '/', got 'api'"):
        Mount("api", app=raw_app)
    with pytest.raises(ValueError, match="either an app or routes"):
        Mount("/api")
    with pytest.raises(ValueError, match="either an app or routes"):
        Mount("/api", app=raw_app, routes=[])


async def test_mount_middleware() -> None:
    log: list[str] = []
    mount = Mount("/m", routes=[Route("/", homepage)], middleware=[(Recorder, (log,), {})])
    assert (await http(mount, path="/m/")).text == "home"
    assert log == [""]


def test_mount_url_path_for() -> None:
    users = Router([Route("/{id:int}", user, name="detail"), Route("/", homepage, name="list")])
    mount = Mount("/api/{version}", routes=[Mount("/users", app=users, name="users")], name="api")
    assert mount.url_path_for("api:users:detail", version="v1", id=3) == "/api/v1/users/3"
    assert mount.url_path_for("api:users:list", version="v2") == "/api/v2/users/"
    # The mount itself, with `path` for the rest.
    assert mount.url_path_for("api", version="v1", path="/x/y") == "/api/v1/x/y"
    static = Mount("/static", app=raw_app, name="static")
    assert static.url_path_for("static", path="/css/a.css") == "/static/css/a.css"
    # Unnamed mounts pass names through.
    assert Mount("/u", app=users).url_path_for("detail", id=1) == "/u/1"


def test_mount_url_path_for_errors() -> None:
    users = Router([Route("/{id:int}", user, name="detail")])
    mount = Mount("/api/{version}", routes=[Mount("/users", app=users, name="users")], name="api")
    # A mount's own params that are not given stay as slots (Starlette's rule).
    assert mount.url_path_for("api:users:detail", id=3) == "/api/{version}/users/3"
    assert mount.url_path_for("api", path="x") == "/api/{version}/x"
    with pytest.raises(NoMatchFound, match="Unexpected params: pk"):
        mount.url_path_for("api", version="v1", path="x", pk=1)
    with pytest.raises(NoMatchFound, match=r"Missing params: id\. Unexpected params: pk"):
        mount.url_path_for("api:users:detail", version="v1", pk=3)
    with pytest.raises(NoMatchFound) as info:
        mount.url_path_for("api:users:nothing", version="v1")
    assert not info.value.name_found
    with pytest.raises(NoMatchFound):
        mount.url_path_for("other:users:detail", version="v1", id=3)
    with pytest.raises(NoMatchFound, match="Missing params: path"):
        mount.url_path_for("api", version="v1")


def test_mount_eq_repr() -> None:
    a = Mount("/a", app=raw_app, name="a")
    assert a == Mount("/a", app=raw_app, name="a")
    assert a != Mount("/a", app=raw_app, name="b")
    assert a != Mount("/b", app=raw_app, name="a")
    assert a != Mount("/a", app=homepage, name="a")
    assert a != raw_app
    assert repr(a).startswith("Mount(path='/a', name='a', app=")
    assert repr(Mount("/a", app=raw_app)).startswith("Mount(path='/a', name='', app=")


# Host


async def test_host_matching() -> None:
    api = Router([Route("/", homepage)])
    host = Host("{sub}.example.org", app=api, name="sub")
    scope = make_scope(path="/", headers=[("accept", "*/*"), ("host", "api.example.org:8443")])
    match, child = host.matches(scope)
    assert match is Match.FULL
    assert child["path_params"] == {"sub": "api"}
    assert child["route"] is host
    assert (await http(host, scope=scope)).text == "home"
    assert host.matches(make_scope(path="/"))[0] is Match.NONE
    other = make_scope(path="/", headers=[("host", "example.com")])
    assert host.matches(other)[0] is Match.NONE
    assert host.matches({"type": "lifespan"})[0] is Match.NONE
    assert host.routes == api.routes


def test_host_matching_ignores_case() -> None:
    host = Host("{sub}.Example.org", app=raw_app)
    match, child = host.matches(make_scope(headers=[("host", "API.example.ORG:8000")]))
    assert match is Match.FULL
    assert child["path_params"] == {"sub": "api"}


@pytest.mark.parametrize(
    "value", ["api.example.org:evil", "[:::]", "api.example.org/x", "user@api.example.org"]
)
def test_host_refuses_malformed_headers(value: str) -> None:
    host = Host("{sub}.example.org", app=raw_app)
    assert host.matches(make_scope(headers=[("host", value)]))[0] is Match.NONE
    assert Host("[:::]", app=raw_app).matches(make_scope(headers=[("host", "[:::]")]))[0] is (
        Match.NONE
    )


def test_host_ipv6() -> None:
    host = Host("[::1]", app=raw_app)
    assert host.matches(make_scope(headers=[("host", "[::1]:8000")]))[0] is Match.FULL
    assert host.matches(make_scope(headers=[("host", "[::1")]))[0] is Match.NONE


def test_host_url_path_for() -> None:
    api = Router([Route("/users/{id:int}", user, name="user")])
    host = Host("{sub}.example.org", app=api, name="site")
    url = host.url_path_for("site:user", sub="api", id=4)
    assert url == "/users/4"
    assert url.host == "api.example.org"
    assert url.protocol == "http"
    whole = host.url_path_for("site", sub="www", path="/about")
    assert whole == "/about"
    assert whole.host == "www.example.org"
    assert host.url_path_for("site", sub="www").host == "www.example.org"
    assert Host("example.org", app=api).url_path_for("user", id=1) == "/users/1"
    assert host.url_path_for("site:user", id=4).host == "{sub}.example.org"
    with pytest.raises(NoMatchFound, match="Unexpected params: x"):
        host.url_path_for("site", sub="a", x=1)
    with pytest.raises(NoMatchFound):
        host.url_path_for("other:user", sub="a", id=4)


def test_host_errors_eq_repr() -> None:
    with pytest.raises(ValueError, match="must not start with '/'"):
        Host("/example.org", app=raw_app)
    a = Host("example.org", app=raw_app)
    assert a == Host("example.org", app=raw_app)
    assert a != Host("example.com", app=raw_app)
    assert a != "example.org"
    # An unnamed Host shows name='' (as Starlette does).
    assert repr(a).startswith("Host(host='example.org', name='', app=")
    assert Host("x.org", app=raw_app).routes == []


async def test_custom_base_route() -> None:
    class Always(BaseRoute):
        def matches(self, scope: Scope) -> tuple[Match, Scope]:
            return Match.FULL, {"endpoint": raw_app}

        async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
            await raw_app(scope, receive, send)

    reply = await http(Always(), "PATCH", "/whatever")
    assert reply.text == "raw PATCH"


class NotAnEndpoint:
    """A class that is neither an HTTPEndpoint nor an ASGI app class."""


@pytest.mark.parametrize(
    ("route", "base", "connection", "kind"),
    [
        (Route, "HTTPEndpoint", "request", "http"),
        (WebSocketRoute, "WebSocketEndpoint", "websocket", "websocket"),
    ],
)
async def test_a_class_no_connection_could_be_served_by_says_what_to_write(
    route: Any, base: str, connection: str, kind: str
) -> None:
    made = route("/x", NotAnEndpoint)  # made, so its repr and url work (as in Starlette)
    assert made.url_path_for("NotAnEndpoint") == "/x"
    for _ in range(2):  # each connection is told, with an error of its own
        with pytest.raises(InvalidEndpoint) as info:
            await made.handle(make_scope(path="/x", type_=kind), None, None)
        assert isinstance(info.value, TypeError)
        assert str(info.value) == (
            f"The endpoint of '/x' is the class NotAnEndpoint, which is no {base}: "
            f"subclass {base}, or give a function `async def name({connection})`"
        )
        assert info.value.endpoint is NotAnEndpoint
    with pytest.raises(InvalidEndpoint, match=r"its instances are ASGI apps: give one, RawApp\(\)"):
        await route("/x", RawApp).handle(make_scope(path="/x", type_=kind), None, None)


@pytest.mark.parametrize("route", [Route, WebSocketRoute])
def test_an_endpoint_that_is_not_callable_is_refused_when_made(route: Any) -> None:
    with pytest.raises(InvalidEndpoint, match="is 'home', which is not callable: give a function"):
        route("/x", "home")


def test_endpoints_that_serve_are_taken() -> None:
    assert Route("/", HTTPEndpoint).app is HTTPEndpoint
    assert WebSocketRoute("/", WebSocketEndpoint).app is WebSocketEndpoint
    assert Route("/", raw_app).app is raw_app


@pytest.mark.parametrize("methods", ["GET", b"GET", ["GET", None]])
def test_methods_that_are_not_a_list_of_verbs_are_refused(methods: Any) -> None:
    with pytest.raises(InvalidMethods) as info:
        Route("/", homepage, methods=methods)
    assert isinstance(info.value, TypeError)
    assert str(info.value).startswith("methods must be a list of HTTP verbs, such as methods=[")
    assert info.value.methods is methods


def test_a_string_of_methods_is_shown_as_the_list_it_meant() -> None:
    with pytest.raises(InvalidMethods, match=r"such as methods=\['POST'\], not 'post'"):
        Route("/", homepage, methods="post")
