"""The middleware package wrapping our App: via App(middleware=...) and wrapped from outside."""

from collections.abc import Awaitable, Callable

from asgi_testclient import TestClient
from asgi_toolkit import App, Middleware, PlainTextResponse, Request, Response, Route
from asgi_toolkit.middleware.base import BaseHTTPMiddleware
from asgi_toolkit.middleware.cors import CORSMiddleware
from asgi_toolkit.middleware.gzip import GZipMiddleware
from asgi_toolkit.middleware.httpsredirect import HTTPSRedirectMiddleware
from asgi_toolkit.middleware.sessions import SessionMiddleware
from asgi_toolkit.middleware.trustedhost import TrustedHostMiddleware


async def homepage(request: Request) -> Response:
    return PlainTextResponse("hello " * 200)


async def counter(request: Request) -> Response:
    count = request.session.get("count", 0) + 1
    request.session["count"] = count
    return PlainTextResponse(str(count))


def make_app(*middleware: Middleware) -> App:
    return App(routes=[Route("/", homepage), Route("/count", counter)], middleware=list(middleware))


def test_cors_wrapping_the_app_from_outside() -> None:
    wrapped = CORSMiddleware(
        make_app(), allow_origins=["https://example.org"], allow_methods=["GET"]
    )
    client = TestClient(wrapped)
    preflight = client.options(
        "/",
        headers={"origin": "https://example.org", "access-control-request-method": "GET"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://example.org"
    simple = client.get("/", headers={"origin": "https://example.org"})
    assert simple.headers["access-control-allow-origin"] == "https://example.org"


def test_gzip_inside_the_app() -> None:
    client = TestClient(make_app(Middleware(GZipMiddleware, minimum_size=100)))
    response = client.get("/", headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.text == "hello " * 200  # requests decompresses


def test_trusted_host() -> None:
    client = TestClient(make_app(Middleware(TrustedHostMiddleware, allowed_hosts=["testserver"])))
    assert client.get("/").status_code == 200
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400


def test_https_redirect() -> None:
    client = TestClient(make_app(Middleware(HTTPSRedirectMiddleware)), follow_redirects=False)
    response = client.get("/")
    assert response.status_code in (307, 308)
    assert response.headers["location"] == "https://testserver/"


def test_sessions_persist_between_requests() -> None:
    client = TestClient(make_app(Middleware(SessionMiddleware, secret_key="not-so-secret")))
    assert client.get("/count").text == "1"
    assert client.get("/count").text == "2"


def test_base_http_middleware_added_later() -> None:
    async def add_header(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers["x-seen"] = "yes"
        return response

    app = make_app()
    app.add_middleware(BaseHTTPMiddleware, dispatch=add_header)
    assert TestClient(app).get("/").headers["x-seen"] == "yes"
