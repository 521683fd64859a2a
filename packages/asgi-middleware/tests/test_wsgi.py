"""WSGIMiddleware: a PEP 3333 app behind ASGI (deprecated, kept for Starlette compatibility)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from mw_apps import run

from asgi_protocol.exceptions import ToolkitDeprecationWarning
from asgi_testclient import TestClient

with pytest.warns(ToolkitDeprecationWarning, match="a2wsgi"):
    wsgi = importlib.import_module("asgi_middleware.wsgi")
WSGIMiddleware = wsgi.WSGIMiddleware
build_environ = wsgi.build_environ


def test_importing_warns_of_the_deprecation() -> None:
    with pytest.warns(ToolkitDeprecationWarning, match="deprecated"):
        importlib.reload(wsgi)


def echo(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    body = environ["wsgi.input"].read()
    start_response(
        "201 Created", [("Content-Type", "text/plain"), ("X-Path", environ["PATH_INFO"])]
    )
    return [b"got ", body]


def test_get_and_post() -> None:
    client = TestClient(WSGIMiddleware(echo))
    response = client.post("/a/b", content=b"payload")
    assert (response.status_code, response.text) == (201, "got payload")
    assert response.headers["x-path"] == "/a/b"
    incoming = [
        {"type": "http.request", "body": b"1", "more_body": True},
        {"type": "http.request", "body": b"2"},
    ]
    sent = run(WSGIMiddleware(echo), {"type": "http", "method": "POST"}, incoming)
    assert b"".join(m.get("body", b"") for m in sent[1:]) == b"got 12"


def test_client_gone_before_the_body_arrived() -> None:
    incoming = [{"type": "http.request", "body": b"1", "more_body": True}]
    assert run(WSGIMiddleware(echo), {"type": "http", "method": "POST"}, incoming) == []


class Closing:
    """A WSGI iterable with close(), as generators and file wrappers have."""

    def __init__(self) -> None:
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield b""  # empty chunks don't start the response
        yield b"a"
        raise ValueError("mid-stream")

    def close(self) -> None:
        self.closed = True


def test_close_is_called_even_when_iteration_fails() -> None:
    body = Closing()

    def app(environ: dict[str, Any], start_response: Any) -> Closing:
        start_response("200 OK", [])
        return body

    sent: list[Any] = []
    with pytest.raises(ValueError, match="mid-stream"):
        run(WSGIMiddleware(app), {"type": "http"}, sent=sent)
    assert body.closed
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]


def test_write_callable_and_empty_body() -> None:
    def legacy(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        write = start_response("200 OK", [])
        write(b"written ")
        return [b"yielded"]

    assert TestClient(WSGIMiddleware(legacy)).get("/").text == "written yielded"

    def empty(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("204 No Content", [])
        return []

    sent = run(WSGIMiddleware(empty), {"type": "http"})
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 204


def test_exc_info_replaces_the_answer_then_reaches_the_server() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("X-Partial", "1")])
        try:
            raise RuntimeError("broke")
        except RuntimeError:
            start_response("500 Internal Server Error", [], sys.exc_info())
        return [b"error page"]

    sent: list[Any] = []
    with pytest.raises(RuntimeError, match="broke"):
        run(WSGIMiddleware(app), {"type": "http"}, sent=sent)
    assert sent[0] == {"type": "http.response.start", "status": 500, "headers": []}
    assert sent[1]["body"] == b"error page"


def test_exc_info_after_the_answer_started_is_raised() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        start_response("200 OK", [])
        yield b"partial"
        try:
            raise RuntimeError("late")
        except RuntimeError:
            start_response("500 Internal Server Error", [], sys.exc_info())

    with pytest.raises(RuntimeError, match="late"):
        run(WSGIMiddleware(app), {"type": "http"})


@pytest.mark.parametrize(
    ("app_headers", "error"),
    [
        ([("X-Evil", "a\r\nSet-Cookie: x=1")], "CR, LF or NUL"),
        (None, "before calling start_response"),
        ("twice", "called twice"),
    ],
)
def test_app_mistakes_are_errors(app_headers: Any, error: str) -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if app_headers == "twice":
            start_response("200 OK", [])
            start_response("200 OK", [])
        elif app_headers is not None:
            start_response("200 OK", app_headers)
        return [b"body"]

    with pytest.raises((ValueError, RuntimeError), match=error):
        run(WSGIMiddleware(app), {"type": "http"})


def test_only_http() -> None:
    with pytest.raises(TypeError, match="HTTP only"):
        run(WSGIMiddleware(echo), {"type": "websocket"})


def test_build_environ() -> None:
    scope = {
        "type": "http",
        "http_version": "2",
        "method": "GET",
        "scheme": "https",
        "path": "/sub/小星",
        "root_path": "/sub",
        "query_string": b"a=1",
        "headers": [
            (b"content-type", b"text/plain"),
            (b"content-length", b"3"),
            (b"accept", b"a"),
            (b"accept", b"b"),
            (b"cookie", b"x=1"),
            (b"cookie", b"y=2"),
        ],
        "client": ("1.2.3.4", 5),
        "server": ("example.org", 443),
    }
    environ = build_environ(scope, b"abc")
    assert environ.pop("wsgi.input").read() == b"abc"
    assert environ == {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "/sub",
        "PATH_INFO": "/小星".encode().decode("latin-1"),
        "QUERY_STRING": "a=1",
        "SERVER_PROTOCOL": "HTTP/2",
        "SERVER_NAME": "example.org",
        "SERVER_PORT": "443",
        "REMOTE_ADDR": "1.2.3.4",
        "CONTENT_TYPE": "text/plain",
        "CONTENT_LENGTH": "3",
        "HTTP_ACCEPT": "a,b",
        "HTTP_COOKIE": "x=1; y=2",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https",
        "wsgi.errors": sys.stdout,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    bare = build_environ(
        {"type": "http", "method": "GET", "path": "/app/x", "root_path": "/app/"}, b""
    )
    assert (bare["SERVER_NAME"], bare["SERVER_PORT"], bare["PATH_INFO"]) == ("localhost", "80", "x")
    assert "REMOTE_ADDR" not in bare
    other = build_environ(
        {"type": "http", "method": "GET", "path": "/application", "root_path": "/app"}, b""
    )
    assert other["PATH_INFO"] == "/application"
