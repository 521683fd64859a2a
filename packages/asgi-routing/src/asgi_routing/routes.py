"""The leaf routes: Match, BaseRoute, Route and WebSocketRoute (Mount and Host, which hold
routes of their own, live with the Router in asgi_routing.router).

Every route compiles its path once, in __init__. `matches(scope)` is the hot path: one
`fullmatch` (exact, unlike `match`, which lets a trailing newline through `$`), then the
parameter conversion.
"""

from __future__ import annotations

import enum
import inspect
import re
from collections.abc import Callable, Collection, Iterable
from typing import Any, cast

from asgi_lifetime import NestedApp
from asgi_protocol.datastructures import URLPath
from asgi_protocol.paths import get_route_path
from asgi_protocol.types import ASGIApp, Receive, Scope, Send
from asgi_routing._limits import SCOPE_KEY, call_with_limit, check_limit
from asgi_routing._utils import (
    allow_header,
    get_name,
    http_error,
    is_plain_function,
)
from asgi_routing.convertors import Convertor
from asgi_routing.exceptions import InvalidEndpoint, InvalidMethods, NoMatchFound, PathParamError
from asgi_routing.middleware_stack import wrap_middleware
from asgi_routing.patterns import compile_path
from asgi_routing.wrappers import request_response, websocket_session
from asgi_websockets import WebSocketClose

#: The methods every route of a request's path allows, when several routes share the path
#: (`Route("/x", get_x)`, `Route("/x", post_x, methods=["POST"])`): the router puts them here
#: for the route that answers 405, so `Allow` names them all, as RFC 9110 asks.
ALLOW_SCOPE_KEY = "asgi_toolkit.allow"


class Match(enum.Enum):
    """How a route relates to a request: not at all, right path but wrong method, or fully."""

    NONE = 0
    PARTIAL = 1
    FULL = 2


# The members as plain module names: `Match.FULL` is an attribute lookup through the enum's
# metaclass (about 70 ns on CPython 3.11), paid several times per request on the hot path.
NO_MATCH, PARTIAL_MATCH, FULL_MATCH = Match.NONE, Match.PARTIAL, Match.FULL


# A `{name}` slot of a format string (convertors are gone from it).
_FORMAT_SLOT = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)}")


def replace_params(
    path: str, param_convertors: dict[str, Convertor[Any]], path_params: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """Fill the `{name}` slots of a format string; returns the path and the unused params.

    Each slot is filled once, from the format string itself, so a value that looks like a slot
    (`"{id}"`) stays as it is. A slot without a value stays `{name}` (Starlette's rule).
    """
    remaining = dict(path_params)
    parts = _FORMAT_SLOT.split(path)
    # split() puts the slot names at the odd positions.
    for i in range(1, len(parts), 2):
        key = parts[i]
        if key in remaining:
            try:
                parts[i] = param_convertors[key].to_string(remaining.pop(key))
            except PathParamError as exc:  # name the parameter and the route it belongs to
                raise PathParamError(f"Path parameter {key!r} of {path!r} {exc}") from exc
        else:
            parts[i] = "{" + key + "}"
    return "".join(parts), remaining


def _check_params(
    route_name: str | None,
    name: str,
    expected: Collection[str],
    path_params: dict[str, Any],
) -> None:
    """Raise NoMatchFound unless `name` is this route's and the params are exactly `expected`."""
    if name != route_name:
        raise NoMatchFound(name, path_params)
    given = path_params.keys()
    if given != set(expected):
        raise NoMatchFound(
            name, path_params, missing=set(expected) - given, extra=given - set(expected)
        )


class BaseRoute:
    """The interface the Router drives: match, build urls, and handle a matched request."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "matches" in cls.__dict__ and "index_pattern" not in cls.__dict__:
            # A new matches() may match by anything at all: unless the class says otherwise,
            # the router asks it about every request.
            cls.index_pattern = BaseRoute.index_pattern  # type: ignore[method-assign]

    def index_pattern(self) -> str | None:
        """The path pattern that alone decides whether this route can match, or None.

        The router's index (asgi_routing._index) files a route under its pattern, so a request
        is only tried against routes that can match its path; None means "try me for every
        request". A route whose matches() looks at more than the path may only narrow what the
        pattern admits, never widen it.
        """
        return None

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        raise NotImplementedError()  # pragma: no cover

    def lifespan_apps(self) -> Iterable[NestedApp]:
        """The apps this route holds whose lifespans its router runs inside its own (Mount and
        Host give theirs; a leaf route has none)."""
        return ()

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        raise NotImplementedError()  # pragma: no cover

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError()  # pragma: no cover

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Use a route on its own as an ASGI app: 404 (or close) unless it matches."""
        match, child_scope = self.matches(scope)
        if match is NO_MATCH:
            if scope["type"] == "websocket":
                await WebSocketClose()(scope, receive, send)
            else:
                await http_error(scope, receive, send, 404, "Not Found")
            return
        scope.update(child_scope)
        await self.handle(scope, receive, send)


def convert_params(
    param_convertors: dict[str, Convertor[Any]], matched: dict[str, str], scope: Scope
) -> dict[str, Any]:
    path_params = dict(scope.get("path_params", ()))
    for key, value in matched.items():
        path_params[key] = param_convertors[key].convert(value)
    return path_params


def endpoint_app(path: str, endpoint: Any, base: str, connection: str) -> ASGIApp:
    """The app of a route whose endpoint is no function: the endpoint itself, if it can serve.

    Not callable: refused when the route is made. A class serves only if its instances are
    awaitable (HTTPEndpoint and WebSocketEndpoint are); any other class gives an app that
    raises InvalidEndpoint at each connection, saying what to write. Not when the route is
    made: such a route still has its repr and url (Starlette's own tests build one).
    """
    if not callable(endpoint):
        raise InvalidEndpoint(
            endpoint,
            f"The endpoint of {path!r} is {endpoint!r}, which is not callable: give a function "
            f"`async def name({connection})`, a {base} subclass or an ASGI app",
        )
    if not inspect.isclass(endpoint) or hasattr(endpoint, "__await__"):
        return cast(ASGIApp, endpoint)
    name = endpoint.__name__
    fix = (
        f"its instances are ASGI apps: give one, {name}()"
        if _instances_are_callable(endpoint)
        else f"subclass {base}, or give a function `async def name({connection})`"
    )
    message = f"The endpoint of {path!r} is the class {name}, which is no {base}: {fix}"

    async def refuse(scope: Scope, receive: Receive, send: Send) -> None:
        raise InvalidEndpoint(endpoint, message)  # a new one each time: no tracebacks pile up

    return refuse


def _instances_are_callable(cls: type) -> bool:
    return any("__call__" in vars(klass) for klass in cls.__mro__)


class Route(BaseRoute):
    """An HTTP endpoint at a path: a function taking a Request, or any ASGI app / class."""

    def __init__(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        methods: Collection[str] | None = None,
        name: str | None = None,
        include_in_schema: bool = True,
        middleware: Iterable[Any] | None = None,
        max_body_size: int | None = None,
    ) -> None:
        if not path.startswith("/"):
            raise ValueError(f"Routed paths must start with '/', got {path!r}")
        self.path = path
        self.endpoint = endpoint
        self.name = get_name(endpoint) if name is None else name
        self.include_in_schema = include_in_schema
        self.max_body_size = check_limit(max_body_size)

        if is_plain_function(endpoint):
            self.app: ASGIApp = request_response(endpoint)
            if methods is None:
                methods = ["GET"]
        else:
            self.app = endpoint_app(path, endpoint, "HTTPEndpoint", "request")

        self.app = wrap_middleware(self.app, middleware)

        if methods is None:
            self.methods: set[str] | None = None
        else:
            if isinstance(methods, (str, bytes)) or not all(isinstance(m, str) for m in methods):
                raise InvalidMethods(methods)
            self.methods = {method.upper() for method in methods}
            if "GET" in self.methods:
                self.methods.add("HEAD")
            self._allow = allow_header(self.methods)

        self.path_regex, self.path_format, self.param_convertors = compile_path(path)
        self._static = not self.param_convertors

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        # Hot path.
        if scope["type"] != "http":
            return NO_MATCH, {}
        # Without a root_path the route path is the path: no call in the usual case.
        route_path = get_route_path(scope) if scope.get("root_path") else scope["path"]
        if self._static:
            # No parameters: a string comparison instead of a regex (bench: plaintext, json).
            if route_path != self.path:
                return NO_MATCH, {}
            outer = scope.get("path_params")
            path_params = dict(outer) if outer else {}
        else:
            found = self.path_regex.fullmatch(route_path)
            if found is None:
                return NO_MATCH, {}
            path_params = convert_params(self.param_convertors, found.groupdict(), scope)
        child_scope = {"endpoint": self.endpoint, "route": self, "path_params": path_params}
        if self.methods is not None and scope["method"] not in self.methods:
            return PARTIAL_MATCH, child_scope
        return FULL_MATCH, child_scope

    def index_pattern(self) -> str | None:
        return self.path

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        _check_params(self.name, name, self.param_convertors, path_params)
        path, _ = replace_params(self.path_format, self.param_convertors, path_params)
        return URLPath(path=path, protocol="http")

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.methods is not None and scope["method"] not in self.methods:
            allow = scope.get(ALLOW_SCOPE_KEY, self._allow)
            await http_error(scope, receive, send, 405, "Method Not Allowed", {"Allow": allow})
            return
        limit = self.max_body_size if self.max_body_size is not None else scope.get(SCOPE_KEY)
        if limit is None:
            await self.app(scope, receive, send)
        else:
            await call_with_limit(self.app, limit, scope, receive, send)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Route)
            and self.path == other.path
            and self.endpoint == other.endpoint
            and self.methods == other.methods
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        methods = sorted(self.methods or ())
        return f"{type(self).__name__}(path={self.path!r}, name={self.name!r}, methods={methods!r})"


class WebSocketRoute(BaseRoute):
    """A WebSocket endpoint at a path: `async f(websocket)`, or a WebSocketEndpoint / app."""

    def __init__(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        name: str | None = None,
        middleware: Iterable[Any] | None = None,
    ) -> None:
        if not path.startswith("/"):
            raise ValueError(f"Routed paths must start with '/', got {path!r}")
        self.path = path
        self.endpoint = endpoint
        self.name = get_name(endpoint) if name is None else name
        if is_plain_function(endpoint):
            app: ASGIApp = websocket_session(endpoint)
        else:
            app = endpoint_app(path, endpoint, "WebSocketEndpoint", "websocket")
        self.app = wrap_middleware(app, middleware)
        self.path_regex, self.path_format, self.param_convertors = compile_path(path)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        # Hot path.
        if scope["type"] != "websocket":
            return NO_MATCH, {}
        found = self.path_regex.fullmatch(get_route_path(scope))
        if found is None:
            return NO_MATCH, {}
        return FULL_MATCH, {
            "endpoint": self.endpoint,
            "route": self,
            "path_params": convert_params(self.param_convertors, found.groupdict(), scope),
        }

    def index_pattern(self) -> str | None:
        return self.path

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        _check_params(self.name, name, self.param_convertors, path_params)
        path, _ = replace_params(self.path_format, self.param_convertors, path_params)
        return URLPath(path=path, protocol="websocket")

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, WebSocketRoute)
            and self.path == other.path
            and self.endpoint == other.endpoint
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(path={self.path!r}, name={self.name!r})"


__all__ = ["ALLOW_SCOPE_KEY", "BaseRoute", "Match", "Route", "WebSocketRoute", "replace_params"]
