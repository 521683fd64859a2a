"""AuthenticationMiddleware and the `requires` guard, in front of raw endpoints."""

from __future__ import annotations

import base64
import inspect
from typing import Any

import pytest

from asgi_middleware import ExceptionMiddleware
from asgi_middleware.authentication import AuthenticationMiddleware
from asgi_middleware.exceptions import AuthenticationError
from asgi_middleware.identity import (
    AuthCredentials,
    AuthenticationBackend,
    BaseUser,
    SimpleUser,
    UnauthenticatedUser,
    requires,
)
from asgi_protocol.datastructures import URLPath
from asgi_protocol.exceptions import WebSocketDisconnect
from asgi_protocol.types import Receive, Scope, Send
from asgi_requests import HTTPConnection, Request
from asgi_responses import JSONResponse, PlainTextResponse, Response
from asgi_testclient import TestClient
from asgi_websockets import WebSocket


class BasicAuth(AuthenticationBackend):
    """`Authorization: Basic user:secret` grants "authenticated", and "admin" for user admin."""

    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, BaseUser] | None:
        header = conn.headers.get("authorization")
        if header is None:
            return None
        scheme, _, encoded = header.partition(" ")
        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except ValueError:
            raise AuthenticationError("Malformed basic credentials") from None
        if scheme.lower() != "basic" or password != "secret":
            raise AuthenticationError("Wrong username or password")
        scopes = ["authenticated", "admin"] if user == "admin" else ["authenticated"]
        return AuthCredentials(scopes), SimpleUser(user)


def basic(user: str, password: str = "secret") -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


class FakeRouter:
    def url_path_for(self, name: str, /, **params: Any) -> URLPath:
        assert name == "login"
        return URLPath("/login")


def as_app(endpoint: Any) -> Any:
    """The smallest router: one endpoint for HTTP and WebSocket, with exception handling."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        scope["router"] = FakeRouter()
        if scope["type"] == "websocket":
            await endpoint(WebSocket(scope, receive, send))
            return
        response = endpoint(Request(scope, receive))
        if inspect.isawaitable(response):
            response = await response
        await response(scope, receive, send)

    return AuthenticationMiddleware(ExceptionMiddleware(app), BasicAuth())


async def whoami(request: Request) -> JSONResponse:
    return JSONResponse(
        {
            "user": request.user.display_name,
            "authenticated": request.user.is_authenticated,
            "scopes": request.auth.scopes,
        }
    )


def test_anonymous_and_authenticated_users() -> None:
    client = TestClient(as_app(whoami))
    assert client.get("/").json() == {"user": "", "authenticated": False, "scopes": []}
    assert client.get("/", headers=basic("ada")).json() == {
        "user": "ada",
        "authenticated": True,
        "scopes": ["authenticated"],
    }


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Authorization": "Basic !!!"}, "Malformed basic credentials"),
        (basic("ada", "guess"), "Wrong username or password"),
    ],
)
def test_bad_credentials_are_a_400_with_the_reason(headers: dict[str, str], reason: str) -> None:
    response = TestClient(as_app(whoami)).get("/", headers=headers)
    assert (response.status_code, response.text) == (400, reason)


def test_custom_on_error_sync_and_async() -> None:
    def sync_error(conn: HTTPConnection, exc: AuthenticationError) -> Response:
        return JSONResponse({"error": str(exc), "path": conn.url.path}, status_code=401)

    async def async_error(conn: HTTPConnection, exc: AuthenticationError) -> Response:
        return PlainTextResponse("nope", status_code=401, headers={"WWW-Authenticate": "Basic"})

    app = AuthenticationMiddleware(as_app(whoami), BasicAuth(), on_error=sync_error)
    response = TestClient(app).get("/p", headers=basic("ada", "guess"))
    assert response.status_code == 401
    assert response.json() == {"error": "Wrong username or password", "path": "/p"}
    app = AuthenticationMiddleware(as_app(whoami), BasicAuth(), on_error=async_error)
    response = TestClient(app).get("/", headers=basic("ada", "guess"))
    assert (response.status_code, response.headers["www-authenticate"]) == (401, "Basic")


def test_other_scopes_pass_through() -> None:
    seen: list[str] = []

    async def lifespan(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])
        assert "user" not in scope
        await receive()
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await send({"type": "lifespan.shutdown.complete"})

    with TestClient(AuthenticationMiddleware(lifespan, BasicAuth())):
        pass
    assert seen == ["lifespan"]


@requires("authenticated")
async def async_private(request: Request) -> PlainTextResponse:
    return PlainTextResponse(f"hello {request.user.display_name}")


@requires(["authenticated", "admin"], status_code=404)
def sync_admin(request: Request) -> PlainTextResponse:
    return PlainTextResponse("the admin page")


@requires("authenticated", redirect="login")
async def with_redirect(request: Request) -> PlainTextResponse:
    return PlainTextResponse("inside")


@requires("authenticated", redirect="login")
def sync_with_redirect(request: Request) -> PlainTextResponse:
    return PlainTextResponse("inside, sync")


def test_requires_refuses_then_admits() -> None:
    client = TestClient(as_app(async_private))
    assert client.get("/").status_code == 403
    assert client.get("/", headers=basic("ada")).text == "hello ada"
    client = TestClient(as_app(sync_admin))
    assert client.get("/", headers=basic("ada")).status_code == 404  # a scope short: hidden
    assert client.get("/", headers=basic("admin")).text == "the admin page"


@pytest.mark.parametrize(
    ("endpoint", "body"), [(with_redirect, "inside"), (sync_with_redirect, "inside, sync")]
)
def test_requires_redirects_to_login_with_next(endpoint: Any, body: str) -> None:
    client = TestClient(as_app(endpoint), follow_redirects=False)
    response = client.get("/account?tab=keys")
    assert response.status_code == 303
    assert response.headers["location"] == (
        "http://testserver/login?next=http%3A%2F%2Ftestserver%2Faccount%3Ftab%3Dkeys"
    )
    assert client.get("/account", headers=basic("ada")).text == body


def test_requires_finds_the_connection_in_kwargs_and_methods() -> None:
    class Endpoint:
        @requires("admin")
        async def get(self, request: Request) -> PlainTextResponse:
            return PlainTextResponse("method ok")

    async def via_kwargs(request: Request) -> Any:
        return await Endpoint().get(request=request)

    client = TestClient(as_app(via_kwargs))
    assert client.get("/", headers=basic("ada")).status_code == 403
    assert client.get("/", headers=basic("admin")).text == "method ok"
    assert Endpoint.get.__name__ == "get"  # wraps keeps the name routing and docs show


@requires("authenticated")
async def ws_private(websocket: WebSocket) -> None:
    await websocket.send({"type": "websocket.accept"})
    await websocket.send({"type": "websocket.send", "text": websocket.user.display_name})
    await websocket.close()


def test_requires_on_websockets_closes_with_policy_violation() -> None:
    client = TestClient(as_app(ws_private))
    with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/"):
        pass  # pragma: no cover - the handshake is refused
    assert refused.value.code == 1008
    with client.websocket_connect("/", headers=basic("ada")) as session:
        assert session.receive_text() == "ada"


def test_bad_credentials_close_a_websocket_with_the_reason() -> None:
    long_reason = "é" * 100  # 200 bytes of UTF-8: cut at 123 bytes, on a character boundary

    class Refuses(AuthenticationBackend):
        async def authenticate(self, conn: HTTPConnection) -> None:
            raise AuthenticationError(long_reason)

    client = TestClient(AuthenticationMiddleware(as_app(ws_private), Refuses()))
    with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/"):
        pass  # pragma: no cover - the handshake is refused
    assert refused.value.code == 1008
    assert refused.value.reason == "é" * 61


def test_requires_rejects_endpoints_it_cannot_guard() -> None:
    def no_connection(user: str) -> None:  # pragma: no cover - never called
        pass

    with pytest.raises(ValueError, match='No "request" or "websocket" argument on function'):
        requires("x")(no_connection)

    def sync_ws(websocket: Any) -> None:  # pragma: no cover - never called
        pass

    with pytest.raises(TypeError, match="must be async"):
        requires("x")(sync_ws)


def test_user_classes() -> None:
    anonymous = UnauthenticatedUser()
    assert (anonymous.is_authenticated, anonymous.display_name, anonymous.identity) == (
        False,
        "",
        "",
    )
    user = SimpleUser("ada")
    assert (user.is_authenticated, user.display_name, user.username) == (True, "ada", "ada")
    assert user.identity == "ada"
    base = BaseUser()
    for name in ("is_authenticated", "display_name", "identity"):
        with pytest.raises(NotImplementedError):
            getattr(base, name)
    assert AuthCredentials().scopes == []
    assert AuthCredentials(("a", "b")).scopes == ["a", "b"]


async def test_base_backend_must_be_subclassed() -> None:
    conn = HTTPConnection({"type": "http", "headers": [], "path": "/"})
    with pytest.raises(NotImplementedError):
        await AuthenticationBackend().authenticate(conn)


async def test_requires_awaits_partials_and_async_callables() -> None:
    import functools

    async def page(request: Request, greeting: str) -> Response:
        return PlainTextResponse(greeting)

    class Page:
        async def __call__(self, request: Request) -> Response:
            return PlainTextResponse("object")

    granted = HTTPConnection({"type": "http", "headers": [], "path": "/"})
    granted.scope["auth"] = AuthCredentials(["x"])
    guarded = requires("x")(functools.partial(page, greeting="partial"))
    response = await guarded(granted)  # type: ignore[misc]
    assert response.body == b"partial"
    assert (await requires("x")(Page())(granted)).body == b"object"

    def no_request(user: str) -> None:  # pragma: no cover - never called
        pass

    with pytest.raises(ValueError, match="functools.partial"):
        requires("x")(functools.partial(no_request, user="u"))

    async def ws(websocket: Any, extra: int) -> None:  # pragma: no cover - never called
        pass

    def sync_ws(websocket: Any, extra: int) -> None:  # pragma: no cover - never called
        pass

    assert inspect.iscoroutinefunction(requires("x")(functools.partial(ws, extra=1)))
    with pytest.raises(TypeError, match="functools.partial.*must be async"):
        requires("x")(functools.partial(sync_ws, extra=1))


def test_a_subclass_can_override_default_on_error() -> None:
    class Teapot(AuthenticationMiddleware):
        @staticmethod
        def default_on_error(conn: HTTPConnection, exc: AuthenticationError) -> Response:
            return PlainTextResponse("no", status_code=418)

    class Refuse(AuthenticationBackend):
        async def authenticate(self, conn: HTTPConnection) -> None:
            raise AuthenticationError("bad")

    async def app(scope: Scope, receive: Receive, send: Send) -> None:  # pragma: no cover
        raise AssertionError("refused before the app")

    response = TestClient(Teapot(app, Refuse())).get("/")
    assert (response.status_code, response.text) == (418, "no")
