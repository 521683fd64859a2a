"""The Router: dispatch to the first matching route, 404/405, slash redirects, url_path_for."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, SupportsIndex, TypeVar
from urllib.parse import quote

from asgi_lifetime import LifespanFactory, LifespanRunner
from asgi_protocol.datastructures import URLPath
from asgi_protocol.paths import get_route_path
from asgi_protocol.types import ASGIApp, Lifespan, Receive, Scope, Send
from asgi_responses import RedirectResponse
from asgi_routing._index import RouteIndex
from asgi_routing._limits import SCOPE_KEY, check_limit
from asgi_routing._utils import http_error, wrap_middleware
from asgi_routing.errors import NoMatchFound
from asgi_routing.routes import (
    FULL_MATCH,
    NO_MATCH,
    PARTIAL_MATCH,
    BaseRoute,
    Host,
    Mount,
    Route,
    WebSocketRoute,
)
from asgi_websockets import WebSocketClose

F = TypeVar("F", bound=Callable[..., Any])

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
        # (a lifespan context or startup/shutdown hooks, not both).
        self.lifespan_runner = LifespanRunner(lifespan, on_startup, on_shutdown)
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
        for route in index.candidates(route_path):
            match, child_scope = route.matches(scope)
            if match is FULL_MATCH:
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is PARTIAL_MATCH and partial is None:
                partial, partial_scope = route, child_scope

        if partial is not None:
            # Right path, wrong method: the route answers 405.
            scope.update(partial_scope)
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
        """Answer the lifespan protocol with the lifespan context and startup/shutdown hooks."""
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

    def mount(self, path: str, app: ASGIApp, name: str | None = None) -> None:
        self._routes.append(Mount(path, app=app, name=name))

    def host(self, host: str, app: ASGIApp, name: str | None = None) -> None:
        self._routes.append(Host(host, app=app, name=name))

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


__all__ = ["Router"]
