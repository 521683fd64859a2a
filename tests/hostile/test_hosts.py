"""Hostile Host headers and server addresses: every absolute URL built from a request is sound.

One rule throughout (asgi_protocol.hosts): a malformed Host header is never used, the server's
address stands in for it; a server address that names no host (a unix socket path) is none;
with neither there is nowhere to build an absolute URL on, and the answer is a 400. Nothing
here is ever a 500.
"""

from __future__ import annotations

from typing import Any

import pytest

from asgi_protocol.types import Receive, Scope, Send
from asgi_testclient import TestClient
from asgi_toolkit import App
from asgi_toolkit.middleware import Middleware
from asgi_toolkit.middleware.httpsredirect import HTTPSRedirectMiddleware
from asgi_toolkit.middleware.trustedhost import TrustedHostMiddleware
from asgi_toolkit.requests import Request
from asgi_toolkit.responses import JSONResponse, RedirectResponse
from asgi_toolkit.routing import Route

HUGE_PORT = "example.com:" + "1" * 5000  # int() refuses over 4300 digits
MALFORMED_HOSTS = [
    "example.com:65536",
    "example.com:99999",
    HUGE_PORT,
    "example.com:",
    "example.com:abc",
    "evil.com/x?",
    "user@evil.com",
    "evil.com#x",
    "a b",
    "[:::]",
    "[V1.foo]",  # Python's urlsplit refuses an upper-case IPvFuture
    "[1.2.3.4]",
    "",
]
# Server addresses that name no host: ASGI gives a unix socket as [path, None].
NO_HOST_SERVERS: list[Any] = [None, ("/tmp/app.sock", None), ["unix:/tmp/app.sock", None]]


async def urls(request: Request) -> JSONResponse:
    return JSONResponse({"url": str(request.url), "base_url": str(request.base_url)})


async def url_for(request: Request) -> JSONResponse:
    return JSONResponse({"url_for": str(request.url_for("urls"))})


async def redirect_home(request: Request) -> RedirectResponse:
    return RedirectResponse(request.url_for("urls"))


def serve(app: Any, host: str | None, server: Any = ("testserver", 80)) -> TestClient:
    """A client whose requests reach `app` with this Host header (None: none) and server."""

    async def rewrite(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            headers = [(k, v) for k, v in scope["headers"] if k != b"host"]
            if host is not None:
                headers.append((b"host", host.encode("latin-1")))
            scope["headers"] = headers
            scope["server"] = server
        await app(scope, receive, send)

    return TestClient(rewrite, raise_server_exceptions=False, follow_redirects=False)


def make_app(*middleware: Middleware) -> App:
    return App(
        routes=[
            Route("/p", urls, name="urls"),
            Route("/for", url_for),
            Route("/go", redirect_home),
        ],
        middleware=list(middleware),
    )


@pytest.mark.parametrize("host", MALFORMED_HOSTS)
def test_a_malformed_host_gives_way_to_the_server_address(host: str) -> None:
    client = serve(make_app(), host, ("10.0.0.1", 8000))
    assert client.get("/p").json() == {
        "url": "http://10.0.0.1:8000/p",
        "base_url": "http://10.0.0.1:8000/",
    }
    assert client.get("/for").json() == {"url_for": "http://10.0.0.1:8000/p"}


@pytest.mark.parametrize("host", [None, *MALFORMED_HOSTS])
@pytest.mark.parametrize("server", NO_HOST_SERVERS)
def test_request_url_without_any_host_is_a_bare_path(host: str | None, server: Any) -> None:
    response = serve(make_app(), host, server).get("/p?q=1")
    assert response.status_code == 200
    assert response.json() == {"url": "/p?q=1", "base_url": "/"}


@pytest.mark.parametrize("host", [None, *MALFORMED_HOSTS])
@pytest.mark.parametrize("server", NO_HOST_SERVERS)
def test_url_for_without_any_host_is_a_400(host: str | None, server: Any) -> None:
    client = serve(make_app(), host, server)
    for path in ("/for", "/go"):
        response = client.get(path)
        assert (response.status_code, response.text) == (400, "Invalid host header")
        assert "location" not in response.headers


@pytest.mark.parametrize("host", [None, *MALFORMED_HOSTS])
@pytest.mark.parametrize("server", NO_HOST_SERVERS)
def test_https_redirect_without_any_host_is_a_400(host: str | None, server: Any) -> None:
    response = serve(make_app(Middleware(HTTPSRedirectMiddleware)), host, server).get("/p")
    assert (response.status_code, response.text) == (400, "Invalid host header")
    assert "location" not in response.headers


@pytest.mark.parametrize("host", MALFORMED_HOSTS)
def test_https_redirect_of_a_malformed_host_goes_to_the_server(host: str) -> None:
    app = make_app(Middleware(HTTPSRedirectMiddleware))
    response = serve(app, host, ("10.0.0.1", 8000)).get("/p?q=1")
    assert response.status_code == 307
    assert response.headers["location"] == "https://10.0.0.1:8000/p?q=1"


@pytest.mark.parametrize("host", [h for h in MALFORMED_HOSTS if h.startswith("example.com")])
@pytest.mark.parametrize("server", [("testserver", 80), *NO_HOST_SERVERS])
def test_www_redirect_of_a_malformed_host_is_a_400(host: str, server: Any) -> None:
    trusted = Middleware(TrustedHostMiddleware, allowed_hosts=["www.example.com"])
    response = serve(make_app(trusted), host, server).get("/p")
    assert (response.status_code, response.text) == (400, "Invalid host header")
    assert "location" not in response.headers


def test_www_redirect_keeps_a_good_port() -> None:
    trusted = Middleware(TrustedHostMiddleware, allowed_hosts=["www.example.com"])
    response = serve(make_app(trusted), "example.com:8080", None).get("/p?q=1")
    assert response.status_code == 307
    assert response.headers["location"] == "http://www.example.com:8080/p?q=1"


def test_trusted_host_ignores_a_huge_port_as_any_other() -> None:
    trusted = Middleware(TrustedHostMiddleware, allowed_hosts=["example.com"])
    response = serve(make_app(trusted), HUGE_PORT, ("10.0.0.1", 8000)).get("/p")
    assert response.status_code == 200  # ports don't matter to the host check (Starlette's rule)
    assert response.json()["url"] == "http://10.0.0.1:8000/p"


def test_a_good_host_is_used_as_sent() -> None:
    client = serve(make_app(), "Example.com:000080", ("10.0.0.1", 8000))
    assert client.get("/p").json()["url"] == "http://Example.com:000080/p"
    https = serve(make_app(Middleware(HTTPSRedirectMiddleware)), "[::1]:8443", None)
    assert https.get("/p").headers["location"] == "https://[::1]:8443/p"
