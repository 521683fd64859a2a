"""`TestClient`: a `requests.Session` whose transport is the ASGI app itself."""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import inspect
import json as jsonlib
import mimetypes
import warnings
import weakref
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any, Self, TypeGuard, cast
from urllib.parse import urlsplit

import requests
from requests.cookies import cookiejar_from_dict

from asgi_lifetime import LifespanDriver
from asgi_protocol.exceptions import ToolkitDeprecationWarning
from asgi_protocol.types import ASGIApp, Receive, Scope, Send
from asgi_testclient._portal import Portal
from asgi_testclient._response import CookieJar, TestResponse
from asgi_testclient._scope import header_mapping
from asgi_testclient._transport import ASGIAdapter, StreamingBody
from asgi_testclient._websocket import WebSocketTestSession, open_websocket
from asgi_testclient.exceptions import NotAnApp

_SCHEMES = ("http://", "https://", "ws://", "wss://")

#: An ASGI 2 app is called with the scope and returns this; the client runs those apps too.
ASGIInstance = Callable[[Receive, Send], Awaitable[None]]
ASGI2App = Callable[[Scope], ASGIInstance]

# The backend options anyio's asyncio backend takes (Starlette passes them through).
_ASYNCIO_OPTIONS = frozenset(("debug", "loop_factory", "use_uvloop"))


def _is_asgi2(app: Any) -> TypeGuard[ASGI2App]:
    """A class that is not awaitable, or a plain function of one argument: ASGI 2."""
    if inspect.isclass(app):
        return not hasattr(app, "__await__")
    call = app if inspect.isfunction(app) or inspect.ismethod(app) else None
    if call is None or inspect.iscoroutinefunction(call):
        return False
    return _positional_parameters(call) == 1


def _is_an_app_class(app: Any) -> TypeGuard[type]:
    """A class whose instances are ASGI 3 apps (`__call__(self, scope, receive, send)`), given
    where one of its instances belongs; an ASGI 2 class's `__call__` takes two."""
    call = inspect.getattr_static(app, "__call__", None) if inspect.isclass(app) else None
    return inspect.isfunction(call) and _positional_parameters(call) == 4


def _positional_parameters(func: Callable[..., Any]) -> int | None:
    try:
        parameters = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        return None
    return len([p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)])


class _ASGI2Adapter:
    """Runs an ASGI 2 app (`app(scope)` returns `instance(receive, send)`) as ASGI 3."""

    def __init__(self, app: ASGI2App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope)(receive, send)


def _loop_factory(
    backend: str, options: Mapping[str, Any] | None
) -> tuple[Callable[[], asyncio.AbstractEventLoop] | None, bool]:
    """Check `backend=` / `backend_options=` (Starlette's signature): asyncio only."""
    if backend != "asyncio":
        reason = "it runs apps on asyncio only (no anyio, no trio)"
        raise ValueError(f"TestClient backend {backend!r} is not supported: {reason}")
    options = dict(options or {})
    unknown = sorted(set(options) - _ASYNCIO_OPTIONS)
    if unknown:
        raise TypeError(f"unknown asyncio backend_options: {', '.join(unknown)}")
    factory: Callable[[], asyncio.AbstractEventLoop] | None = options.get("loop_factory")
    if options.get("use_uvloop"):
        import uvloop

        factory = uvloop.new_event_loop
    return factory, bool(options.get("debug", False))


class TestClient(requests.Session):
    """Drive `app` in-process with the `requests` API; `with` runs its lifespan too.

    Inside `with TestClient(app) as client:` every request, websocket and the lifespan run on
    one event loop; outside it each request gets an event loop of its own (as in Starlette).
    """

    __test__ = False  # not a pytest test class, despite the name

    def __init__(
        self,
        app: ASGIApp | ASGI2App,
        base_url: str = "http://testserver",
        raise_server_exceptions: bool = True,
        root_path: str = "",
        backend: str = "asyncio",
        backend_options: Mapping[str, Any] | None = None,
        cookies: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        follow_redirects: bool = True,
        client: tuple[str, int] = ("testclient", 50000),
    ) -> None:
        if _is_an_app_class(app):
            raise NotAnApp(app)
        super().__init__()
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"base_url must be an absolute http(s) URL, not {base_url!r}")
        self._loop_factory, self._loop_debug = _loop_factory(backend, backend_options)
        self.async_backend = {"backend": backend, "backend_options": dict(backend_options or {})}
        self.app: ASGIApp = _ASGI2Adapter(app) if _is_asgi2(app) else cast(ASGIApp, app)
        self.base_url = base_url.rstrip("/")
        self.follow_redirects = follow_redirects
        self.trust_env = False  # no proxies or .netrc credentials from the environment
        self.portal = self._new_portal()  # the loop of a `with` block
        self._in_block = False
        # A client nobody closes still stops its loop thread once it is garbage collected.
        weakref.finalize(self, self.portal.stop)
        self.adapter = ASGIAdapter(
            self.app,
            self._portal_for_request,
            raise_server_exceptions=raise_server_exceptions,
            root_path=root_path,
            client=client,
        )
        for prefix in _SCHEMES:
            self.mount(prefix, self.adapter)
        self.headers["User-Agent"] = "testclient"
        if headers:
            self.headers.update(headers)
        self.cookies = cookies  # the setter takes a mapping
        self._lifespan: LifespanDriver | None = None

    def _new_portal(self) -> Portal:
        return Portal(self._loop_factory, debug=self._loop_debug)

    def _portal_for_request(self) -> tuple[Portal, Callable[[], None]]:
        """The loop one request or websocket runs on, and what to call when it is done."""
        if self._in_block:
            return self.portal, lambda: None
        portal = self._new_portal()
        return portal, portal.stop

    @property  # type: ignore[override]
    def cookies(self) -> CookieJar:
        """The session's cookie jar (requests' jar, with httpx's `.jar` and `.delete()`)."""
        return self._cookies

    @cookies.setter
    def cookies(self, value: Any) -> None:
        jar = CookieJar()
        if isinstance(value, http.cookiejar.CookieJar):
            jar.update(value)
        elif value is not None:
            cookiejar_from_dict(dict(value), jar)  # type: ignore[no-untyped-call]
        self._cookies = jar

    @property
    def app_state(self) -> dict[str, Any]:
        """The lifespan state every request's `scope["state"]` is copied from."""
        return self.adapter.state

    def _url(self, url: str | bytes) -> str:
        text = url.decode("utf-8") if isinstance(url, bytes) else str(url)
        if "://" in text.split("?", 1)[0]:
            return text
        return f"{self.base_url}/{text.lstrip('/')}"

    def request(
        self,
        method: str | bytes,
        url: str | bytes,
        params: Any = None,
        data: Any = None,
        headers: Any = None,
        cookies: Any = None,
        files: Any = None,
        auth: Any = None,
        timeout: Any = None,
        allow_redirects: bool | None = None,
        proxies: Any = None,
        hooks: Any = None,
        stream: bool | None = None,
        verify: Any = None,
        cert: Any = None,
        json: Any = None,
        *,
        content: Any = None,
        follow_redirects: bool | None = None,
        extensions: Mapping[str, Any] | None = None,
    ) -> TestResponse:
        """As `requests.Session.request`, plus httpx's `content=`, `follow_redirects=` and
        `extensions=` (accepted, unused).

        Relative URLs join `base_url`; redirects follow the client's default unless this call
        says otherwise. `timeout` has no effect (the app runs in-process) and warns so.
        """
        if timeout is not None:
            warnings.warn(
                "You should not use the 'timeout' argument with the TestClient. "
                "It has no effect: the app runs in-process, so nothing can time out.",
                ToolkitDeprecationWarning,
                stacklevel=2,
            )
        data, json, headers = _body(data, content, json, _trimmed(headers))
        files = _files(files)
        if allow_redirects is None:
            allow_redirects = follow_redirects
        if allow_redirects is None:
            allow_redirects = self.follow_redirects
        response = super().request(
            method,
            self._url(url),
            params=params,
            data=data,
            headers=headers,
            cookies=cookies,
            files=files,
            auth=auth,
            timeout=timeout,
            allow_redirects=allow_redirects,
            proxies=proxies,
            hooks=hooks,
            stream=stream,
            verify=verify,
            cert=cert,
            json=json,
        )
        return cast(TestResponse, response)

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        """As requests does, but an explicit port 0 in the URL is kept (requests drops it)."""
        prepared = super().prepare_request(request)
        given = urlsplit(str(request.url))
        if given.port == 0 and prepared.url:
            scheme, rest = prepared.url.split("://", 1)
            path = rest.partition("/")[1:]
            prepared.url = f"{scheme}://{given.netloc.rsplit('@', 1)[-1]}{''.join(path)}"
        return prepared

    def build_request(
        self,
        method: str,
        url: str | bytes,
        *,
        params: Any = None,
        content: Any = None,
        data: Any = None,
        files: Any = None,
        json: Any = None,
        headers: Any = None,
        cookies: Any = None,
    ) -> requests.PreparedRequest:
        """A prepared request, for `client.send(request, stream=...)` (httpx's pair)."""
        data, json, headers = _body(data, content, json, _trimmed(headers))
        files = _files(files)
        request = requests.Request(
            method,
            self._url(url),
            params=params,
            data=data,
            files=files,
            json=json,
            headers=headers,
            cookies=cookies,
        )
        return self.prepare_request(request)

    # requests has a session attribute `stream` (the default of `stream=`), httpx a method
    # `stream()`: one object serves both (see _StreamSetting).
    @property  # type: ignore[override]
    def stream(self) -> _StreamSetting:
        return _StreamSetting(self, self._stream_default)

    @stream.setter
    def stream(self, value: bool) -> None:
        self._stream_default = bool(value)

    @contextlib.contextmanager
    def _stream(self, method: str, url: str | bytes, **kwargs: Any) -> Iterator[TestResponse]:
        """`with client.stream("GET", "/events") as response:` (httpx's streaming request).

        It returns as soon as the app has sent its headers; `iter_raw()`, `iter_bytes()`,
        `iter_text()`, `iter_content()` and `iter_lines()` read the body as the app sends it.
        Leaving the block cancels an app that has not finished its response, and waits for one
        that has (background tasks included, raising their error).
        """
        response = self.request(method, url, stream=True, **kwargs)
        try:
            yield response
        except BaseException:
            _close_quietly(response)
            raise
        response.close()

    # requests makes GET/OPTIONS follow redirects and HEAD not; here all follow the client default.
    def get(self, url: str | bytes, **kwargs: Any) -> TestResponse:
        return self.request("GET", url, **kwargs)

    def options(self, url: str | bytes, **kwargs: Any) -> TestResponse:
        return self.request("OPTIONS", url, **kwargs)

    def head(self, url: str | bytes, **kwargs: Any) -> TestResponse:
        return self.request("HEAD", url, **kwargs)

    # Re-declared so that type checkers accept the extra `content=` / `follow_redirects=`.
    def post(
        self, url: str | bytes, data: Any = None, json: Any = None, **kwargs: Any
    ) -> TestResponse:
        return self.request("POST", url, data=data, json=json, **kwargs)

    def put(self, url: str | bytes, data: Any = None, **kwargs: Any) -> TestResponse:
        return self.request("PUT", url, data=data, **kwargs)

    def patch(self, url: str | bytes, data: Any = None, **kwargs: Any) -> TestResponse:
        return self.request("PATCH", url, data=data, **kwargs)

    def delete(self, url: str | bytes, **kwargs: Any) -> TestResponse:
        return self.request("DELETE", url, **kwargs)

    def websocket_connect(
        self,
        url: str,
        subprotocols: Sequence[str] | None = None,
        headers: Mapping[str, str] | None = None,
        cookies: Mapping[str, str] | None = None,
        params: Any = None,
        auth: Any = None,
    ) -> WebSocketTestSession:
        """Open a websocket to the app; use the result as a context manager."""
        full = self._url(url)
        scheme, rest = full.split("://", 1)
        scheme = {"http": "ws", "https": "wss"}.get(scheme.lower(), scheme.lower())
        # Prepared as the http(s) URL (requests encodes params and matches cookies only there),
        # then sent with the websocket scheme.
        http = {"ws": "http", "wss": "https"}.get(scheme, scheme)
        extra = {
            "connection": "upgrade",
            "upgrade": "websocket",
            "sec-websocket-key": "dGVzdGNsaWVudCBrZXkgMTY=",
            "sec-websocket-version": "13",
        }
        if subprotocols:
            extra["sec-websocket-protocol"] = ", ".join(subprotocols)
        extra.update(headers or {})
        prepared = self.prepare_request(
            requests.Request(
                "GET", f"{http}://{rest}", headers=extra, cookies=cookies, params=params, auth=auth
            )
        )
        prepared.url = f"{scheme}://{(prepared.url or '').split('://', 1)[1]}"
        session = open_websocket(self.adapter, prepared)
        # The session needs the client's loop: keep the client alive as long as the session,
        # even in `with TestClient(app).websocket_connect("/") as ws:` where nothing else does.
        session.owner = self
        return session

    def __enter__(self) -> Self:
        """Start a loop shared by the block, and run the app's lifespan startup on it.

        What the app raises during startup comes out here as it is; an app that returns
        without answering (or a middleware that drops the lifespan scope) is an error; only an
        app that does not speak lifespan at all (it answers like an HTTP app) is run without.
        """
        self.adapter.state.clear()  # each `with` block starts from a fresh lifespan state
        self._in_block = True
        driver = LifespanDriver(self.app, self.adapter.state)
        try:
            supported = self.portal.call(driver.startup())
        except BaseException:
            self.close()
            raise
        self._lifespan = driver if supported else None
        return self

    def __exit__(self, *exc_info: object) -> None:
        driver, self._lifespan = self._lifespan, None
        try:
            self.adapter.close()  # responses left open: their apps are cancelled first
            if driver is not None:
                self.portal.call(driver.shutdown())
        finally:
            self.close()

    def close(self) -> None:
        """Close the session, cancel the apps of unfinished responses, and stop the `with`
        block's event-loop thread (no thread outlives the client)."""
        try:
            super().close()  # closes the adapter
        finally:
            self._in_block = False
            self.portal.stop()


class _StreamSetting:
    """`client.stream`: called, httpx's streaming request (a context manager); read as a bool,
    requests' session-wide default for `stream=` (False unless set)."""

    def __init__(self, client: TestClient, default: bool) -> None:
        self._client = client
        self._default = default

    def __bool__(self) -> bool:
        return self._default

    def __eq__(self, other: object) -> bool:
        return bool(self) == other if isinstance(other, bool) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._default)

    def __call__(
        self, method: str, url: str | bytes, **kwargs: Any
    ) -> contextlib.AbstractContextManager[TestResponse]:
        return self._client._stream(method, url, **kwargs)


def _body(data: Any, content: Any, json: Any, headers: Any) -> tuple[Any, Any, Any]:
    """`data`, `json` and `headers` for requests, from both dialects' arguments.

    `content=` is httpx's name for raw bytes; JSON is serialised compactly, as httpx does (a
    suite comparing the raw body written for Starlette's current client expects that).
    """
    if content is not None:
        if data is not None:
            raise TypeError("pass either content= or data=, not both")
        data = content
    headers = header_mapping(headers)
    if json is not None and data is None:
        data = jsonlib.dumps(json, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        data = data.encode("utf-8")
        given = {str(name).lower() for name in (headers or {})}
        if "content-type" not in given:
            headers = {**(headers or {}), "Content-Type": "application/json"}
        json = None
    return data, json, headers


def _trimmed(headers: Any) -> Any:
    """Header values without the whitespace around them, as a server hands them to an app.

    HTTP/1.1 servers strip that optional whitespace before the app sees a value; requests
    refuses a value that starts with it, where httpx sends it.
    """
    if headers is None:
        return None
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    trimmed = [(name, _trim(value)) for name, value in pairs]
    return dict(trimmed) if isinstance(headers, Mapping) else trimmed


def _trim(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.strip(b" \t")
    return value.strip(" \t") if isinstance(value, str) else value


def _files(files: Any) -> Any:
    """`files` as httpx encodes them: a content type guessed from the file name where none is
    given (requests sends such a part without one), and a part's own headers before its
    content type (requests writes the content type first)."""
    if files is None:
        return None
    pairs = files.items() if isinstance(files, Mapping) else files
    out: list[tuple[Any, Any]] = []
    for name, value in pairs:
        if not isinstance(value, tuple):
            guessed = requests.utils.guess_filename(value)  # type: ignore[no-untyped-call]
            filename = guessed or name  # requests' own rule for the part's file name
            value = (filename, value, _content_type(filename))
        elif len(value) == 2 and value[0]:
            value = (value[0], value[1], _content_type(value[0]))
        elif len(value) == 4 and value[2] and value[3]:
            filename, fileobj, content_type, given = value
            # The part's own Content-Type wins, as in httpx (requests lets the tuple's win).
            # Under a lower-case key it is written after the part's other headers: urllib3
            # puts only its own capitalised names first.
            own = {str(key).lower(): key for key in given}
            if "content-type" in own:
                content_type = given[own["content-type"]]
            others = {k: v for k, v in given.items() if str(k).lower() != "content-type"}
            value = (filename, fileobj, None, {**others, "content-type": content_type})
        out.append((name, value))
    return out


def _content_type(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def _close_quietly(response: TestResponse) -> None:
    """Close a response while another exception is on its way: don't let the app's hide it."""
    cast(StreamingBody, response.raw)._raise = False
    response.close()


__all__ = ["ASGI2App", "ASGIInstance", "TestClient"]
