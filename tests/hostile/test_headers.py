"""Header attacks: injection by the app, huge/odd client headers, bad encodings in path/query."""

from __future__ import annotations

import time
from typing import Any

import pytest

from asgi_protocol.types import Message
from asgi_requests import parse_cookie_header
from asgi_testclient import TestClient
from asgi_toolkit import App
from asgi_toolkit.datastructures import Headers, MutableHeaders
from asgi_toolkit.requests import Request
from asgi_toolkit.responses import JSONResponse, PlainTextResponse, Response
from asgi_toolkit.routing import Route


@pytest.mark.parametrize("value", ["a\r\nSet-Cookie: evil=1", "a\nX: y", "a\rb", "a\x00b"])
def test_crlf_in_a_header_value_set_by_the_app_raises(value: str) -> None:
    response = Response(b"")
    with pytest.raises(ValueError, match="CR, LF or NUL"):
        response.headers["x-test"] = value
    assert b"evil" not in b"".join(v for _, v in response.raw_headers)


def test_crlf_in_headers_given_to_the_constructor_raises() -> None:
    with pytest.raises(ValueError):
        PlainTextResponse("x", headers={"x-test": "a\r\nInjected: 1"})


def test_crlf_in_a_header_name_raises() -> None:
    headers = MutableHeaders()
    with pytest.raises(ValueError):
        headers["x-a\r\nx-b"] = "1"


def test_crlf_in_a_cookie_value_is_escaped_never_sent_raw() -> None:
    response = Response(b"")
    response.set_cookie("name", "v\r\nSet-Cookie: evil=1")
    (cookie,) = [v for k, v in response.raw_headers if k == b"set-cookie"]
    assert b"\r" not in cookie
    assert b"\n" not in cookie


def test_injection_in_a_cookie_name_raises() -> None:
    with pytest.raises(ValueError, match="cookie name"):
        Response(b"").set_cookie("n; Domain=evil", "v")


def test_redirect_to_a_url_with_crlf_never_sends_it() -> None:
    from asgi_toolkit.responses import RedirectResponse

    try:
        response = RedirectResponse("/next\r\nSet-Cookie: evil=1")
    except ValueError:
        return
    assert all(b"\r" not in v and b"\n" not in v for _, v in response.raw_headers)


def test_non_latin1_header_value_raises() -> None:
    response = Response(b"")
    with pytest.raises(ValueError, match="latin-1"):
        response.headers["x-name"] = "名前"


def test_crlf_header_never_reaches_the_wire() -> None:
    async def endpoint(request: Request) -> Response:
        return PlainTextResponse("x", headers={"x-test": "a\r\nSet-Cookie: evil=1"})

    client = TestClient(App(routes=[Route("/", endpoint)]), raise_server_exceptions=False)
    response = client.get("/")
    assert response.status_code == 500
    assert "evil" not in response.headers.get("set-cookie", "")


async def cookies(request: Request) -> JSONResponse:
    return JSONResponse({"count": len(request.cookies)})


async def echo(request: Request) -> JSONResponse:
    # Touch what a handler typically reads; the answer stays ASCII whatever came in.
    _ = (request.url, request.query_params.multi_items(), request.headers.get("host"))
    return JSONResponse({"params": len(request.query_params)})


@pytest.fixture
def client() -> TestClient:
    app = App(routes=[Route("/cookies", cookies), Route("/{rest:path}", echo)])
    return TestClient(app, raise_server_exceptions=False)


def test_thousands_of_cookies_are_capped(client: TestClient) -> None:
    header = "; ".join(f"c{i}=v{i}" for i in range(20_000))
    start = time.perf_counter()
    response = client.get("/cookies", headers={"cookie": header})
    assert time.perf_counter() - start < 2
    assert response.status_code == 200
    assert response.json()["count"] <= 1000


def test_one_megabyte_cookie_header_is_parsed_in_bounded_time() -> None:
    header = "a=" + "x" * (1024 * 1024)
    start = time.perf_counter()
    parsed = parse_cookie_header(header)
    assert time.perf_counter() - start < 2
    assert len(parsed) <= 1


def test_one_megabyte_cookie_header_through_the_app(client: TestClient) -> None:
    response = client.get("/cookies", headers={"cookie": "a=" + "x" * (1024 * 1024)})
    assert response.status_code in (200, 400, 431)


def test_duplicate_host_headers_are_kept_distinct() -> None:
    headers = Headers(raw=[(b"host", b"good.example"), (b"host", b"evil.example")])
    assert headers["host"] == "good.example"
    assert headers.getlist("host") == ["good.example", "evil.example"]


def test_duplicate_host_with_trusted_host_middleware() -> None:
    from asgi_toolkit.middleware import Middleware
    from asgi_toolkit.middleware.trustedhost import TrustedHostMiddleware

    app = App(
        routes=[Route("/", echo)],
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=["good.example"])],
    )
    scope_headers = [(b"host", b"evil.example"), (b"host", b"good.example")]
    status, _ = drive(app, "/", b"/", b"", scope_headers)
    assert status == 400


def drive(
    app: Any, path: str, raw_path: bytes, query: bytes, headers: list[tuple[bytes, bytes]]
) -> tuple[int, bytes]:
    import asyncio

    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": raw_path, "root_path": "",
        "query_string": query, "headers": headers, "server": ("testserver", 80),
        "client": ("1.2.3.4", 5),
    }  # fmt: skip
    sent: list[Message] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    async def main() -> None:
        await app(scope, receive, send)

    asyncio.run(main())
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], body


@pytest.mark.parametrize(
    "query", [b"a=%zz", b"a=%", b"%%%=1", b"a=%ff%fe", b"a=\xff\xfe", b"&&=&="]
)
def test_bad_percent_encoding_in_the_query(client: TestClient, query: bytes) -> None:
    status, _ = drive(client.app, "/x", b"/x", query, [(b"host", b"testserver")])
    assert status == 200


@pytest.mark.parametrize("raw_path", [b"/%zz", b"/%", b"/a%2"])
def test_bad_percent_encoding_in_the_path(client: TestClient, raw_path: bytes) -> None:
    status, _ = drive(client.app, raw_path.decode(), raw_path, b"", [(b"host", b"testserver")])
    assert status == 200


def test_invalid_utf8_in_the_path(client: TestClient) -> None:
    # Servers decode the raw path as latin-1 or with surrogateescape when it isn't UTF-8.
    path = b"/\xff\xfe".decode("utf-8", "surrogateescape")
    status, _ = drive(client.app, path, b"/\xff\xfe", b"", [(b"host", b"testserver")])
    assert status in (200, 400, 404)
