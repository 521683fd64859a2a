"""The routes that hold routes: the Router (dispatch to the first matching route, 404/405,
slash redirects, url_path_for), and Mount and Host, which put a Router or any app under a path
prefix or a host name."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, SupportsIndex, TypeVar
from urllib.parse import quote

from asgi_lifetime import LifespanFactory, LifespanRunner, NestedApp, mounted_state
from asgi_protocol.datastructures import URLPath
from asgi_protocol.hosts import host_header, parse_host_header
from asgi_protocol.paths import get_route_path
from asgi_protocol.types import ASGIApp, Lifespan, Receive, Scope, Send
from asgi_responses import RedirectResponse
from asgi_routing._index import RouteIndex
from asgi_routing._limits import SCOPE_KEY, applies_body_limits, call_with_limit, check_limit
from asgi_routing._utils import allow_header, http_error
from asgi_routing.convertors import Convertor
from asgi_routing.exceptions import NoMatchFound
from asgi_routing.middleware_stack import wrap_middleware
from asgi_routing.patterns import compile_path
from asgi_routing.routes import (
    ALLOW_SCOPE_KEY,
    FULL_MATCH,
    NO_MATCH,
    PARTIAL_MATCH,
    BaseRoute,
    Match,
    Route,
    WebSocketRoute,
    convert_params,
    replace_params,
)
from asgi_websockets import WebSocketClose

F = TypeVar("F", bound=Callable[..., Any])


def _allowed_by(*routes: BaseRoute) -> str:
    """The Allow value for a path several routes share: the union of their methods."""
    methods: set[str] = set()
    for route in routes:
        methods |= getattr(route, "methods", None) or set()
    return allow_header(methods)


# Characters left as they are when a path goes back into a Location header.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


class _RouteList(list[BaseRoute]):
    """A list that tells its router to rebuild the lookup index when it changes."""

    def __init__(self, routes: Iterable[BaseRoute], on_change: Callable[[], None]) -> None:
        super().__init__(routes)
        self._on_change = on_change

    def _changed(self) -> None:
        self._on_change()

    def append(self, route: BaseRoute) -> None:
        super().append(route)
        self._changed()

    def extend(self, routes: Iterable[BaseRoute]) -> None:
        super().extend(routes)
        self._changed()

    def insert(self, index: SupportsIndex, route: BaseRoute) -> None:
        super().insert(index, route)
        self._changed()

    def remove(self, route: BaseRoute) -> None:
        super().remove(route)
        self._changed()

    def pop(self, index: SupportsIndex = -1) -> BaseRoute:
        route = super().pop(index)
        self._changed()
        return route

    def clear(self) -> None:
        super().clear()
        self._changed()

    def __setitem__(self, index: Any, value: Any) -> None:
        super().__setitem__(index, value)
        self._changed()

    def __delitem__(self, index: Any) -> None:
        super().__delitem__(index)
        self._changed()

    def __iadd__(self, routes: Iterable[BaseRoute]) -> _RouteList:  # type: ignore[override,misc]
        super().__iadd__(routes)
        self._changed()
        return self

    def sort(self, *args: Any, **kwargs: Any) -> None:
        super().sort(*args, **kwargs)
        self._changed()

    def reverse(self) -> None:
        super().reverse()
        self._changed()


class Router:
    """An ASGI app that dispatches to routes in declaration order (first match wins)."""

    # Its routes enforce the body limit a Mount or Router above records (asgi_routing._limits).
    applies_body_limits = True

    def __init__(
        self,
        routes: Sequence[BaseRoute] | None = None,
        redirect_slashes: bool = True,
        default: ASGIApp | None = None,
        lifespan: Lifespan[Any] | None = None,
        *,
        middleware: Iterable[Any] | None = None,
        max_body_size: int | None = None,
        on_startup: Sequence[Callable[[], Any]] | None = None,
        on_shutdown: Sequence[Callable[[], Any]] | None = None,
    ) -> None:
        self._index: RouteIndex | None = None
        self.routes = list(routes or [])
        self.redirect_slashes = redirect_slashes
        self.default: ASGIApp = self.not_found if default is None else default
        self.max_body_size = check_limit(max_body_size)
        # asgi-lifetime's runner answers the lifespan, with the rules every toolkit app shares
        # (a lifespan context or startup/shutdown hooks, not both), and runs the lifespans of
        # the apps the Mount and Host routes hold inside it.
        self.lifespan_runner = LifespanRunner(
            lifespan, on_startup, on_shutdown, nested=self._lifespan_apps
        )
        self.middleware_stack: ASGIApp = wrap_middleware(self.app, middleware)

    @property
    def routes(self) -> list[BaseRoute]:
        return self._routes

    @routes.setter
    def routes(self, routes: Iterable[BaseRoute]) -> None:
        self._routes: list[BaseRoute] = _RouteList(routes, self._invalidate)
        self._index = None

    def _invalidate(self) -> None:
        self._index = None

    def _lifespan_apps(self) -> list[NestedApp]:
        """The apps whose lifespans run inside ours, in declaration order (asked at startup)."""
        return [nested for route in self._routes for nested in route.lifespan_apps()]

    @property
    def on_startup(self) -> list[Callable[[], Any]]:
        return self.lifespan_runner.on_startup

    @property
    def on_shutdown(self) -> list[Callable[[], Any]]:
        return self.lifespan_runner.on_shutdown

    @property
    def lifespan_context(self) -> LifespanFactory | None:
        return self.lifespan_runner.lifespan_context

    @lifespan_context.setter
    def lifespan_context(self, lifespan: Lifespan[Any] | None) -> None:
        self.lifespan_runner.lifespan_context = lifespan

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.middleware_stack(scope, receive, send)

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Dispatch one connection (the innermost app below the router's middleware)."""
        scope_type = scope["type"]
        if scope_type not in ("http", "websocket", "lifespan"):
            raise ValueError(f"Router cannot handle scope type {scope_type!r}")
        if "router" not in scope:
            scope["router"] = self
        if scope_type == "lifespan":
            await self.lifespan(scope, receive, send)
            return
        if self.max_body_size is not None:
            scope[SCOPE_KEY] = self.max_body_size

        # Hot path: only the routes that can match this path, in declaration order.
        index = self._index
        if index is None:
            index = self._index = RouteIndex(self._routes)
        # get_route_path's own first case inline: no call without a root_path (bench.layers).
        route_path = get_route_path(scope) if scope.get("root_path") else scope["path"]
        partial: BaseRoute | None = None
        partial_scope: Scope = {}
        others: list[BaseRoute] | None = None  # more routes of the right path, wrong method
        for route in index.candidates(route_path):
            match, child_scope = route.matches(scope)
            if match is FULL_MATCH:
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is PARTIAL_MATCH:
                if partial is None:
                    partial, partial_scope = route, child_scope
                elif others is None:
                    others = [route]
                else:
                    others.append(route)

        if partial is not None:
            # Right path, wrong method: the first such route answers 405, naming every method
            # the path's routes allow.
            scope.update(partial_scope)
            if others is not None:
                scope[ALLOW_SCOPE_KEY] = _allowed_by(partial, *others)
            await partial.handle(scope, receive, send)
            return

        if scope_type == "http" and self.redirect_slashes and route_path != "/":
            location = self._slash_redirect(scope, route_path, index)
            if location is not None:
                await RedirectResponse(location)(scope, receive, send)
                return

        await self.default(scope, receive, send)

    def _slash_redirect(self, scope: Scope, route_path: str, index: RouteIndex) -> str | None:
        """The relative url with the trailing slash toggled, if some route would match it."""
        path: str = scope["path"]
        if route_path.endswith("/"):
            other_path, other_route_path = path.rstrip("/"), route_path.rstrip("/")
        else:
            other_path, other_route_path = path + "/", route_path + "/"
        other_scope = dict(scope)
        other_scope["path"] = other_path
        if not any(
            route.matches(other_scope)[0] is not NO_MATCH
            for route in index.candidates(other_route_path)
        ):
            return None
        # A leading "//" would make the Location protocol-relative: an open redirect.
        location = "/" + quote(other_path, safe=_PATH_SAFE).lstrip("/")
        query: bytes = scope.get("query_string", b"")
        if query:
            location += "?" + query.decode("latin-1")
        return location

    async def not_found(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The default app: close a WebSocket, answer 404 to HTTP."""
        if scope["type"] == "websocket":
            await WebSocketClose()(scope, receive, send)
            return
        await http_error(scope, receive, send, 404, "Not Found")

    async def lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer the lifespan protocol with the lifespan context and startup/shutdown hooks;
        the lifespans of the Mount and Host routes' apps run inside it."""
        await self.lifespan_runner(scope, receive, send, scope.get("app", self))

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        """The path of the route called `name` ("mount:route" for nested ones)."""
        best: NoMatchFound | None = None
        for route in self._routes:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound as exc:
                if best is None and exc.name_found:
                    best = exc
        raise best if best is not None else NoMatchFound(name, path_params)

    # Building the table after construction (Starlette has these too).

    def add_route(
        self,
        path: str,
        endpoint: Callable[..., Any],
        methods: Sequence[str] | None = None,
        name: str | None = None,
        include_in_schema: bool = True,
    ) -> None:
        self._routes.append(
            Route(path, endpoint, methods=methods, name=name, include_in_schema=include_in_schema)
        )

    def add_websocket_route(
        self, path: str, endpoint: Callable[..., Any], name: str | None = None
    ) -> None:
        self._routes.append(WebSocketRoute(path, endpoint, name=name))

    def mount(
        self, path: str, app: ASGIApp, name: str | None = None, *, run_lifespan: bool = True
    ) -> None:
        self._routes.append(Mount(path, app=app, name=name, run_lifespan=run_lifespan))

    def host(
        self, host: str, app: ASGIApp, name: str | None = None, *, run_lifespan: bool = True
    ) -> None:
        self._routes.append(Host(host, app=app, name=name, run_lifespan=run_lifespan))

    def route(
        self,
        path: str,
        methods: Sequence[str] | None = None,
        name: str | None = None,
        include_in_schema: bool = True,
    ) -> Callable[[F], F]:
        def decorator(func: F) -> F:
            self.add_route(path, func, methods, name, include_in_schema)
            return func

        return decorator

    def websocket_route(self, path: str, name: str | None = None) -> Callable[[F], F]:
        def decorator(func: F) -> F:
            self.add_websocket_route(path, func, name)
            return func

        return decorator

    def add_event_handler(self, event_type: str, func: Callable[[], Any]) -> None:
        self.lifespan_runner.add_event_handler(event_type, func)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Router) and list(self._routes) == list(other._routes)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(routes={list(self._routes)!r})"


def _split_for_children(
    own_name: str | None,
    name: str,
    param_convertors: dict[str, Convertor[Any]],
    path_params: dict[str, Any],
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """For `"outer:inner"` names: the child name, this route's params, and the child's params.

    A `path` param always goes to the child (a Mount's own `{path}` is the child's whole url).
    Own params that are not given stay `{name}` in the url, as in Starlette.
    """
    if own_name is None:
        child_name = name
    elif name.startswith(own_name + ":"):
        child_name = name[len(own_name) + 1 :]
    else:
        raise NoMatchFound(name, path_params)
    own_keys = param_convertors.keys() - {"path"}
    own = {key: value for key, value in path_params.items() if key in own_keys}
    rest = {key: value for key, value in path_params.items() if key not in own_keys}
    return child_name, own, rest


def _own_url(
    name: str,
    fmt: str,
    param_convertors: dict[str, Convertor[Any]],
    path_params: dict[str, Any],
) -> str:
    """The url of a Mount or Host itself: `path` is required, params it does not have are not."""
    if "path" not in path_params:
        raise NoMatchFound(name, path_params, missing=["path"])
    unexpected = path_params.keys() - param_convertors.keys() - {"path"}
    if unexpected:
        raise NoMatchFound(name, path_params, extra=unexpected)
    url, _ = replace_params(fmt, param_convertors, path_params)
    return url


def _child_url(
    routes: Iterable[BaseRoute],
    name: str,
    child_name: str,
    path_params: dict[str, Any],
    rest: dict[str, Any],
) -> URLPath:
    """The first child route that builds `child_name`; else the most telling NoMatchFound."""
    best: NoMatchFound | None = None
    for route in routes:
        try:
            return route.url_path_for(child_name, **rest)
        except NoMatchFound as exc:
            if best is None and exc.name_found:
                best = exc
    if best is not None:
        raise NoMatchFound(name, path_params, missing=best.missing, extra=best.extra)
    raise NoMatchFound(name, path_params)


def _enter_state(scope: Scope, lifespan_state: dict[str, Any]) -> dict[str, Any] | None:
    """Give the request the mounted app's lifespan state over its own; returns its own."""
    outer: dict[str, Any] | None = scope.get("state")
    scope["state"] = mounted_state(outer, lifespan_state)
    return outer


def _leave_state(scope: Scope, outer: dict[str, Any] | None) -> None:
    """Back outside the mount: the request's own state again."""
    if outer is None:
        del scope["state"]
    else:
        scope["state"] = outer


class _HoldsAnApp(BaseRoute):
    """What Mount and Host share: the router runs their app's lifespan inside its own, and
    tells them the state it adds to the requests they pass on (None: nothing to add)."""

    run_lifespan: bool
    _lifespan_state: dict[str, Any] | None = None

    def _held(self, app: ASGIApp, label: str, key: object = None) -> list[NestedApp]:
        if not self.run_lifespan:
            return []
        return [NestedApp(app, label, self._use_lifespan_state, key=key)]

    def _use_lifespan_state(self, state: dict[str, Any] | None) -> None:
        self._lifespan_state = state


class Mount(_HoldsAnApp):
    """A sub-application or a list of routes under a path prefix.

    The child scope keeps `path` whole and extends `root_path` by the matched prefix (ASGI's
    rule, as Starlette 1.x); the child finds its part with `get_route_path`.

    The router runs the app's lifespan inside its own (`run_lifespan=False`: not, for an app
    whose lifespan is run some other way); requests under the mount see its lifespan state
    over the outer one (asgi_lifetime.mounted_state).
    """

    def __init__(
        self,
        path: str,
        app: ASGIApp | None = None,
        routes: Sequence[BaseRoute] | None = None,
        name: str | None = None,
        *,
        middleware: Iterable[Any] | None = None,
        max_body_size: int | None = None,
        run_lifespan: bool = True,
    ) -> None:
        # "" (mount at the root) is allowed, as in Starlette.
        if path != "" and not path.startswith("/"):
            raise ValueError(f"Mounted paths must start with '/', got {path!r}")
        if (app is None) == (routes is None):
            raise ValueError("Mount takes either an app or routes, not both or neither")
        self.path = path.rstrip("/")
        self.name = name
        self.max_body_size = check_limit(max_body_size)
        if app is None:
            app = Router(routes=routes)
        self._app = app
        # Our routing apps enforce body limits in their own routes (the innermost setting wins).
        self._limits_below = applies_body_limits(app)
        self.app = wrap_middleware(app, middleware)
        self.path_regex, self.path_format, self.param_convertors = compile_path(
            self.path + "/{path:path}"
        )
        self.run_lifespan = run_lifespan

    @property
    def routes(self) -> list[BaseRoute]:
        """The mounted app's own route list (live: appending to it adds a route), or []."""
        return getattr(self._app, "routes", [])

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        # Hot path.
        if scope["type"] not in ("http", "websocket"):
            return NO_MATCH, {}
        route_path = get_route_path(scope)
        found = self.path_regex.fullmatch(route_path)
        if found is None:
            return NO_MATCH, {}
        matched = found.groupdict()
        remaining_path = "/" + matched.pop("path")
        matched_path = route_path[: -len(remaining_path)]
        root_path = scope.get("root_path", "")
        return FULL_MATCH, {
            "path_params": convert_params(self.param_convertors, matched, scope),
            "app_root_path": scope.get("app_root_path", root_path),
            "root_path": root_path + matched_path,
            "endpoint": self.app,
            "route": self,
        }

    def index_pattern(self) -> str | None:
        return self.path + "/{path:path}"

    def lifespan_apps(self) -> list[NestedApp]:
        # The app as we call it (with our middleware); "the same app" is the one inside.
        return self._held(self.app, f"Mount({self.path or '/'!r})", key=self._app)

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        if name == self.name:
            # The mount itself, with `path` giving the rest of the url.
            given = dict(path_params)
            if "path" in given:
                given["path"] = str(given["path"]).lstrip("/")
            return URLPath(_own_url(name, self.path_format, self.param_convertors, given))
        child_name, own, rest = _split_for_children(
            self.name, name, self.param_convertors, path_params
        )
        own["path"] = ""
        prefix, _ = replace_params(self.path_format, self.param_convertors, own)
        url = _child_url(self.routes, name, child_name, path_params, rest)
        return URLPath(path=prefix.rstrip("/") + str(url), protocol=url.protocol)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Hot path: a mount whose app has no lifespan state pays two `is None` tests.
        lifespan_state = self._lifespan_state
        if lifespan_state is not None:
            outer = _enter_state(scope, lifespan_state)
        if self.max_body_size is not None:
            scope[SCOPE_KEY] = self.max_body_size
        limit = scope.get(SCOPE_KEY)
        try:
            if limit is None or self._limits_below or scope["type"] != "http":
                await self.app(scope, receive, send)
            else:
                await call_with_limit(self.app, limit, scope, receive, send)
        finally:
            if lifespan_state is not None:
                _leave_state(scope, outer)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Mount)
            and self.path == other.path
            and self.app == other.app
            and self.name == other.name
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        name = self.name or ""
        return f"{type(self).__name__}(path={self.path!r}, name={name!r}, app={self.app!r})"


def _host_of(scope: Scope) -> str | None:
    """The Host header's host, lower-cased and without its port; None if absent or malformed."""
    parsed = parse_host_header(host_header(scope))
    return None if parsed is None else parsed[0].lower()


class Host(_HoldsAnApp):
    """Route by the Host header; `{subdomain}`-style params are allowed.

    Host names ignore case and the port is not compared. A malformed header (`host:evil`, a bad
    IP literal) matches no Host route. The app's lifespan runs as a Mount's does.
    """

    def __init__(
        self, host: str, app: ASGIApp, name: str | None = None, *, run_lifespan: bool = True
    ) -> None:
        if host.startswith("/"):
            raise ValueError(f"Host must not start with '/', got {host!r}")
        self.host = host
        self.app = app
        self.name = name
        self.host_regex, self.host_format, self.param_convertors = compile_path(host)
        self.run_lifespan = run_lifespan

    def lifespan_apps(self) -> list[NestedApp]:
        return self._held(self.app, f"Host({self.host!r})")

    @property
    def routes(self) -> list[BaseRoute]:
        """The app's own route list (live: appending to it adds a route), or []."""
        return getattr(self.app, "routes", [])

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] not in ("http", "websocket"):
            return NO_MATCH, {}
        host = _host_of(scope)
        found = None if host is None else self.host_regex.fullmatch(host)
        if found is None:
            return NO_MATCH, {}
        return FULL_MATCH, {
            "path_params": convert_params(self.param_convertors, found.groupdict(), scope),
            "endpoint": self.app,
            "route": self,
        }

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        if name == self.name:
            # The host itself, with `path` giving the path part of the url.
            given = dict(path_params)
            given.setdefault("path", "/")
            host = _own_url(name, self.host_format, self.param_convertors, given)
            return URLPath(path=str(given["path"]), host=host)
        child_name, own, rest = _split_for_children(
            self.name, name, self.param_convertors, path_params
        )
        host, _ = replace_params(self.host_format, self.param_convertors, own)
        url = _child_url(self.routes, name, child_name, path_params, rest)
        return URLPath(path=str(url), protocol=url.protocol, host=host)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        lifespan_state = self._lifespan_state
        if lifespan_state is None:
            await self.app(scope, receive, send)
            return
        outer = _enter_state(scope, lifespan_state)
        try:
            await self.app(scope, receive, send)
        finally:
            _leave_state(scope, outer)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Host) and self.host == other.host and self.app == other.app

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        name = self.name or ""
        return f"{type(self).__name__}(host={self.host!r}, name={name!r}, app={self.app!r})"


__all__ = ["Host", "Mount", "Router"]
