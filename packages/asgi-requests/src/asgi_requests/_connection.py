"""HTTPConnection: what HTTP requests and WebSockets share, all computed lazily."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic

from asgi_protocol.datastructures import URL, Address, Headers, QueryParams, State
from asgi_protocol.exceptions import InvalidHost
from asgi_protocol.types import Receive, Scope
from asgi_requests._cookies import parse_cookie_header

if TYPE_CHECKING:
    # PEP 696 default: a bare `Request` has `State` state; `Request[MyState]` is typed.
    # Only the type checker needs the default, so typing_extensions is never imported at run time.
    from typing_extensions import TypeVar

    from asgi_protocol.datastructures import URLPath

    StateT = TypeVar("StateT", bound=State | Mapping[str, Any], default=State)
else:
    from typing import TypeVar

    StateT = TypeVar("StateT")


class HTTPConnection(Mapping[str, Any], Generic[StateT]):
    """A read-only view of the connection's scope with parsed, cached properties."""

    # Caches start as class attributes: creating a connection per request then costs two
    # stores, not eight (bench/inprocess.py); the first use sets the instance's own value.
    _url: URL | None = None
    _base_url: URL | None = None
    _headers: Headers | None = None
    _query_params: QueryParams | None = None
    _cookies: dict[str, str] | None = None
    _state: Any = None

    # The scope types this kind of connection serves; a subclass narrows it.
    scope_types: ClassVar[tuple[str, ...]] = ("http", "websocket")

    def __init__(self, scope: Scope, receive: Receive | None = None) -> None:
        # `receive` is taken as Starlette's HTTPConnection takes it; a plain connection reads
        # no messages, the Request and WebSocket subclasses keep their own.
        if scope["type"] not in self.scope_types:
            raise ValueError(
                f"{type(self).__name__} is for {' or '.join(self.scope_types)} scopes, "
                f"not {scope['type']!r}"
            )
        self.scope = scope

    def __getitem__(self, key: str) -> Any:
        return self.scope[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.scope)

    def __len__(self) -> int:
        return len(self.scope)

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    @property
    def app(self) -> Any:
        return self.scope["app"]

    @property
    def url(self) -> URL:
        if self._url is None:
            self._url = URL(scope=self.scope)
        return self._url

    @property
    def base_url(self) -> URL:
        if self._base_url is None:
            base_scope = dict(self.scope)
            # The app's root, without the request path or query: where url_for starts from.
            app_root_path = base_scope.get("app_root_path", base_scope.get("root_path", ""))
            base_scope["path"] = "/"
            base_scope["query_string"] = b""
            base_scope["root_path"] = app_root_path.rstrip("/")
            self._base_url = URL(scope=base_scope)
        return self._base_url

    @property
    def headers(self) -> Headers:
        if self._headers is None:
            self._headers = Headers(raw=list(self.scope.get("headers", ())))
        return self._headers

    @property
    def query_params(self) -> QueryParams:
        if self._query_params is None:
            self._query_params = QueryParams(self.scope.get("query_string", b""))
        return self._query_params

    @property
    def path_params(self) -> dict[str, Any]:
        return self.scope.get("path_params", {})  # type: ignore[no-any-return]

    @property
    def cookies(self) -> dict[str, str]:
        if self._cookies is None:
            self._cookies = {}
            for header in self.headers.getlist("cookie"):  # HTTP/2 may split them up
                self._cookies.update(parse_cookie_header(header))
        return self._cookies

    @property
    def client(self) -> Address | None:
        client = self.scope.get("client")
        return None if client is None else Address(*client)

    @property
    def session(self) -> dict[str, Any]:
        if "session" not in self.scope:
            raise AssertionError("SessionMiddleware must be installed to access request.session")
        session = self.scope["session"]
        mark_accessed = getattr(session, "mark_accessed", None)
        if mark_accessed is not None:  # the response then varies by cookie (asgi-middleware)
            mark_accessed()
        return session  # type: ignore[no-any-return]

    @property
    def auth(self) -> Any:
        if "auth" not in self.scope:
            raise AssertionError(
                "AuthenticationMiddleware must be installed to access request.auth"
            )
        return self.scope["auth"]

    @property
    def user(self) -> Any:
        if "user" not in self.scope:
            raise AssertionError(
                "AuthenticationMiddleware must be installed to access request.user"
            )
        return self.scope["user"]

    @property
    def state(self) -> StateT:
        if self._state is None:
            # Shared with the scope: lifespan state copied in by the server is visible here.
            self._state = State(self.scope.setdefault("state", {}))
        return self._state  # type: ignore[no-any-return]

    def url_for(self, name: str, /, **path_params: Any) -> URL:
        """The absolute URL of the route `name`; InvalidHost (a 400) if the request has no host."""
        router = self.scope.get("router") or getattr(self.scope.get("app"), "router", None)
        if router is None:
            raise RuntimeError(
                "The `url_for` method can only be used inside a Starlette application or with "
                "a router: an App of ours, or a router in scope['router']."
            )
        url_path: URLPath = router.url_path_for(name, **path_params)
        base_url = self.base_url
        if not base_url.netloc and not url_path.host:  # no host (a unix socket, no Host header)
            raise InvalidHost
        return url_path.make_absolute_url(base_url=base_url)
