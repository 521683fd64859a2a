"""Authentication in a whole App: middleware, `requires` on functions, endpoints and websockets."""

from __future__ import annotations

import pytest

from asgi_testclient import TestClient
from asgi_toolkit import (
    App,
    HTTPEndpoint,
    Middleware,
    PlainTextResponse,
    Request,
    Route,
    WebSocket,
    WebSocketDisconnect,
    WebSocketRoute,
)
from asgi_toolkit.authentication import (
    AuthCredentials,
    AuthenticationBackend,
    AuthenticationError,
    BaseUser,
    SimpleUser,
    requires,
)
from asgi_toolkit.middleware.authentication import AuthenticationMiddleware
from asgi_toolkit.requests import HTTPConnection

TOKENS = {"t-ada": ("ada", ["authenticated"]), "t-root": ("root", ["authenticated", "admin"])}


class TokenAuth(AuthenticationBackend):
    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, BaseUser] | None:
        token = conn.headers.get("x-token") or conn.query_params.get("token")
        if token is None:
            return None
        if token not in TOKENS:
            raise AuthenticationError("Unknown token")
        name, scopes = TOKENS[token]
        return AuthCredentials(scopes), SimpleUser(name)


async def login(request: Request) -> PlainTextResponse:
    return PlainTextResponse(f"log in, then go to {request.query_params['next']}")


@requires("authenticated", redirect="login")
async def dashboard(request: Request) -> PlainTextResponse:
    return PlainTextResponse(f"dashboard of {request.user.display_name}")


class Admin(HTTPEndpoint):
    @requires("admin")
    async def get(self, request: Request) -> PlainTextResponse:
        return PlainTextResponse("admin area")


@requires("authenticated")
async def feed(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text(f"feed for {websocket.user.display_name}")
    await websocket.close()


app = App(
    routes=[
        Route("/login", login, name="login"),
        Route("/dashboard", dashboard),
        Route("/admin", Admin),
        WebSocketRoute("/feed", feed),
    ],
    middleware=[Middleware(AuthenticationMiddleware, backend=TokenAuth())],
)
client = TestClient(app)


def test_anonymous_is_redirected_to_login_and_back() -> None:
    response = client.get("/dashboard")
    assert response.history[0].status_code == 303
    assert response.text == "log in, then go to http://testserver/dashboard"
    assert client.get("/dashboard", headers={"x-token": "t-ada"}).text == "dashboard of ada"


def test_endpoint_methods_need_their_scope() -> None:
    assert client.get("/admin", headers={"x-token": "t-ada"}).status_code == 403
    assert client.get("/admin", headers={"x-token": "t-root"}).text == "admin area"


def test_unknown_token_is_a_400() -> None:
    response = client.get("/dashboard", headers={"x-token": "forged"})
    assert (response.status_code, response.text) == (400, "Unknown token")


def test_websockets_are_guarded_too() -> None:
    with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/feed"):
        pass  # pragma: no cover - refused before accept
    assert refused.value.code == 1008
    with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/feed?token=x"):
        pass  # pragma: no cover - refused before accept
    assert (refused.value.code, refused.value.reason) == (1008, "Unknown token")
    with client.websocket_connect("/feed?token=t-ada") as session:
        assert session.receive_text() == "feed for ada"
