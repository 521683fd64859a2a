"""HTTP through the adapter: scope, bodies, responses, extensions and app errors."""

from __future__ import annotations

import asyncio
import gzip
import io
import os
import threading
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import requests
from testclient_apps import echo_app, read_body, send_response

from asgi_protocol.types import Receive, Scope, Send
from asgi_testclient import ASGIProtocolError, NoResponseError, TestClient
from asgi_testclient._transport import StreamingBody, request_chunks


def echo(client: TestClient, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
    response = client.request(method, url, **kwargs)
    assert response.status_code == 200
    result: dict[str, Any] = response.json()
    return result


def test_scope_is_valid_asgi3() -> None:
    with closing(TestClient(echo_app)) as client:
        scope = echo(client, "GET", "/items/a%20b%2Fc?x=1&y=%C3%A9")["scope"]
    assert scope["type"] == "http"
    assert scope["asgi"] == {"version": "3.0", "spec_version": "2.4"}
    assert scope["http_version"] == "1.1"
    assert scope["method"] == "GET"
    assert scope["scheme"] == "http"
    assert scope["server"] == ["testserver", 80]
    assert scope["client"] == ["testclient", 50000]
    assert scope["root_path"] == ""
    assert scope["path"] == "/items/a b/c"
    assert scope["raw_path"] == "/items/a%20b%2Fc"
    assert scope["query_string"] == "x=1&y=%C3%A9"
    assert scope["headers"][0] == ["host", "testserver"]
    assert ["user-agent", "testclient"] in scope["headers"]
    assert all(name == name.lower() for name, _ in scope["headers"])
    assert set(scope["extensions"]) == {
        "http.response.trailers",
        "http.response.pathsend",
        "http.response.debug",
    }
    assert scope["state"] == {}


def test_scope_from_base_url_root_path_and_client() -> None:
    client = TestClient(
        echo_app, base_url="https://example.org:8443/api/", root_path="/app", client=("1.2.3.4", 9)
    )
    with closing(client):
        scope = echo(client, "GET", "items")["scope"]
        other = echo(client, "GET", "http://other.host/x")["scope"]
    assert scope["scheme"] == "https"
    assert scope["server"] == ["example.org", 8443]
    assert scope["client"] == ["1.2.3.4", 9]
    assert scope["root_path"] == "/app"
    assert scope["path"] == "/api/items"  # root_path is not prepended: the test sends full paths
    assert scope["raw_path"] == "/api/items"
    assert ["host", "example.org:8443"] in scope["headers"]
    assert other["server"] == ["other.host", 80]
    assert ["host", "other.host"] in other["headers"]


def test_root_path_as_in_starlette() -> None:
    client = TestClient(echo_app, root_path="/api")
    scope = echo(client, "GET", "/api/items/1")["scope"]
    assert (scope["path"], scope["raw_path"], scope["root_path"]) == (
        "/api/items/1",
        "/api/items/1",
        "/api",
    )


def test_empty_path_is_slash_and_host_header_kept() -> None:
    with closing(TestClient(echo_app, base_url="http://u:p@testserver")) as client:
        scope = echo(client, "GET", "http://u:p@testserver", headers={"Host": "given"})["scope"]
    assert scope["path"] == "/"
    assert ["host", "given"] in scope["headers"]


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "QUERY"])
def test_every_method(method: str) -> None:
    with closing(TestClient(echo_app)) as client:
        assert echo(client, method, "/")["scope"]["method"] == method


def test_helpers_send_their_method() -> None:
    with closing(TestClient(echo_app)) as client:
        for name in ("get", "post", "put", "patch", "delete", "options"):
            response = getattr(client, name)("/")
            assert response.json()["scope"]["method"] == name.upper()


def test_params_data_json_content_headers() -> None:
    with closing(TestClient(echo_app, headers={"X-Client": "1"})) as client:
        got = echo(client, "POST", "/", params={"q": "a b"}, data={"f": "v"})
        assert got["scope"]["query_string"] == "q=a+b"
        assert got["body"] == "f=v"
        assert ["x-client", "1"] in got["scope"]["headers"]
        got = echo(client, "POST", "/", json={"a": [1]}, headers={"X-Call": "2"})
        assert got["body"] == '{"a":[1]}'  # compact, as httpx sends it
        assert ["content-type", "application/json"] in got["scope"]["headers"]
        assert ["x-call", "2"] in got["scope"]["headers"]
        got = echo(client, "POST", "/", json="é", headers={"content-type": "application/x+json"})
        assert got["body"] == '"é"'.encode().decode("latin-1")
        assert ["content-type", "application/x+json"] in got["scope"]["headers"]
        assert echo(client, "POST", "/", content=b"raw")["body"] == "raw"
        assert echo(client, "POST", "/", data="text")["body"] == "text"
        with pytest.raises(TypeError, match="either content= or data="):
            client.post("/", data=b"a", content=b"b")


def test_file_parts_get_a_content_type_from_their_name(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_bytes(b"hello")
    client = TestClient(echo_app)
    with target.open("rb") as file:
        body = echo(client, "POST", "/", files={"bare": file, "named": ("a.json", b"{}")})["body"]
    assert 'name="bare"; filename="notes.txt"\r\nContent-Type: text/plain' in body
    assert 'filename="a.json"\r\nContent-Type: application/json' in body
    body = echo(client, "POST", "/", files=[("x", ("blob", b"1")), ("y", (None, b"2"))])["body"]
    assert 'filename="blob"\r\nContent-Type: application/octet-stream' in body
    assert 'name="y"\r\n\r\n2' in body  # no file name: a plain field, as given
    request = client.build_request("POST", "/", files={"z": ("z.html", b"<p>")})
    assert b"Content-Type: text/html" in (request.body or b"")


def test_multipart_files() -> None:
    with closing(TestClient(echo_app)) as client:
        got = echo(client, "POST", "/", files={"up": ("a.txt", b"hello", "text/plain")})
    content_type = dict(got["scope"]["headers"])["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    assert 'filename="a.txt"' in got["body"]
    assert "hello" in got["body"]


def test_streamed_request_body_is_several_messages() -> None:
    def chunks() -> Any:
        yield b"ab"
        yield "cd"
        yield b""
        yield b"ef"

    with closing(TestClient(echo_app)) as client:
        got = echo(client, "POST", "/", data=chunks())
        assert got["body"] == "abcdef"
        assert got["messages"] == 3
        assert echo(client, "POST", "/")["messages"] == 1
        got = echo(client, "POST", "/", data=io.BytesIO(b"x" * 70_000))
        assert got["body"] == "x" * 70_000
        assert got["messages"] == 2


def test_request_chunks_of_each_body_kind() -> None:
    assert request_chunks(None) == []
    assert request_chunks("é") == ["é".encode()]
    assert request_chunks(io.StringIO("text")) == [b"text"]
    assert request_chunks([b"a", bytearray(b"b")]) == [b"a", b"b"]
    with pytest.raises(TypeError, match="request body of type int"):
        request_chunks(5)


def test_cookies_persist_across_calls() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope["headers"])
        if scope["path"] == "/set":
            await send_response(
                send,
                headers=[(b"set-cookie", b"sid=abc; Path=/"), (b"set-cookie", b"two=2; Path=/")],
            )
        else:
            await send_response(send, headers.get(b"cookie", b""))

    with closing(TestClient(app, cookies={"first": "1"})) as client:
        assert client.get("/read").text == "first=1"
        response = client.get("/set")
        assert response.cookies["sid"] == "abc"
        assert response.headers["set-cookie"] == "sid=abc; Path=/, two=2; Path=/"
        assert sorted(client.get("/read").text.split("; ")) == ["first=1", "sid=abc", "two=2"]
        assert "call=3" in client.get("/read", cookies={"call": "3"}).text


def redirecting_app() -> Any:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == "/old":
            await send_response(send, status=307, headers=[(b"location", b"/new")])
        elif scope["path"] == "/away":
            await send_response(send, status=302, headers=[(b"location", b"https://else.where/z")])
        else:
            url = f"{scope['scheme']}://{scope['server'][0]}{scope['path']}"
            await send_response(send, url.encode())

    return app


def test_redirects_follow_by_default_and_per_call() -> None:
    with closing(TestClient(redirecting_app())) as client:
        response = client.get("/old")
        assert response.status_code == 200
        assert response.text == "http://testserver/new"
        assert [r.status_code for r in response.history] == [307]
        assert client.post("/old").text == "http://testserver/new"
        assert client.head("/old").status_code == 200
        assert client.get("/away").text == "https://else.where/z"
        assert client.get("/old", allow_redirects=False).status_code == 307
        assert client.get("/old", follow_redirects=False).status_code == 307


def test_follow_redirects_false_on_client() -> None:
    with closing(TestClient(redirecting_app(), follow_redirects=False)) as client:
        response = client.get("/old")
        assert response.status_code == 307
        assert response.headers["location"] == "/new"
        assert response.is_redirect
        assert client.get("/old", allow_redirects=True).status_code == 200
        assert client.options("/old", follow_redirects=True).status_code == 200


def test_head_has_no_body() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send_response(send, b"body", headers=[(b"content-length", b"4")])

    with closing(TestClient(app)) as client:
        response = client.head("/")
    assert response.status_code == 200
    assert response.headers["content-length"] == "4"
    assert response.content == b""


def test_streamed_response() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for part in (b"one,", b"two,", b"three"):
            await send({"type": "http.response.body", "body": part, "more_body": True})
        await send({"type": "http.response.body"})

    with closing(TestClient(app)) as client:
        response = client.get("/", stream=True)
        assert b"".join(response.iter_content(chunk_size=4)) == b"one,two,three"
        response.close()
        assert client.get("/").content == b"one,two,three"


def test_the_client_is_gone_once_the_whole_response_reached_it() -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await read_body(receive)
        await send({"type": "http.response.start", "status": 200, "trailers": True})
        await send({"type": "http.response.body", "body": b"done"})
        waiting = asyncio.ensure_future(receive())
        await asyncio.sleep(0)
        seen.append("waiting" if not waiting.done() else "early")  # trailers still due
        await send({"type": "http.response.trailers", "headers": []})
        seen.append((await waiting)["type"])

    assert TestClient(app).get("/").text == "done"
    assert seen == ["waiting", "http.disconnect"]


def test_the_client_is_gone_as_soon_as_it_has_the_last_chunk() -> None:
    seen: list[object] = []
    checked = threading.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await read_body(receive)
        await send_response(send, b"done")
        waiting = asyncio.ensure_future(receive())
        await asyncio.sleep(0)
        seen.append(waiting.done() and waiting.result()["type"])
        checked.set()
        await waiting

    with TestClient(app).stream("GET", "/") as response:
        assert next(response.iter_raw()) == b"done"  # the end of the body is not read yet
        assert checked.wait(5)
    assert seen == ["http.disconnect"]


def test_receive_after_body_waits_for_response_then_disconnects() -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await read_body(receive)
        await send_response(send, b"done")
        seen.append((await receive())["type"])

    with closing(TestClient(app)) as client:
        assert client.get("/").text == "done"
    assert seen == ["http.disconnect"]


def test_response_status_headers_and_encoding() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send_response(
            send,
            "héllo".encode("latin-1"),
            status=299,
            headers=[(b"content-type", b"text/plain; charset=latin-1"), (b"x-a", b"1")],
        )

    with closing(TestClient(app)) as client:
        response = client.get("/")
    assert response.status_code == 299
    assert response.reason == ""
    assert response.text == "héllo"
    assert response.headers["X-A"] == "1"
    assert response.url == "http://testserver/"
    assert response.request.method == "GET"


def test_gzip_response_is_decoded() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        body = gzip.compress(b"x" * 1000)
        await send_response(send, body, headers=[(b"content-encoding", b"gzip")])

    with closing(TestClient(app)) as client:
        response = client.get("/")
    assert response.text == "x" * 1000
    assert response.reason == "OK"


def test_trailers_are_accepted() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        assert "http.response.trailers" in scope["extensions"]
        await send({"type": "http.response.start", "status": 200, "trailers": True})
        await send({"type": "http.response.body", "body": b"data"})
        await send(
            {"type": "http.response.trailers", "headers": [(b"x-sum", b"1")], "more_trailers": True}
        )
        await send({"type": "http.response.trailers", "headers": [(b"x-two", b"2")]})

    with closing(TestClient(app)) as client:
        response = client.get("/")
    assert response.text == "data"
    assert isinstance(response.raw, StreamingBody)
    assert response.raw.trailers == {"X-Sum": "1", "x-two": "2"}


def test_pathsend_reads_the_file(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_bytes(b"from disk")

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.pathsend", "path": str(target)})

    with closing(TestClient(app)) as client:
        assert client.get("/").content == b"from disk"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, b"0123456789"),
        ({"offset": 2, "count": 3}, b"234"),
        ({"offset": 7}, b"789"),
        ({"count": 4}, b"0123"),
    ],
)
def test_zerocopysend_reads_the_descriptor(
    tmp_path: Path, extra: dict[str, int], expected: bytes
) -> None:
    target = tmp_path / "file.bin"
    target.write_bytes(b"0123456789")

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        with open(target, "rb") as file:
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.zerocopysend", "file": file, **extra})

    with closing(TestClient(app)) as client:
        assert client.get("/").content == expected


def test_zerocopysend_with_a_raw_fd_and_more_body(tmp_path: Path) -> None:
    target = tmp_path / "file.bin"
    target.write_bytes(b"abc")

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        fd = os.open(target, os.O_RDONLY)
        try:
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.zerocopysend", "file": fd, "more_body": True})
            await send({"type": "http.response.body", "body": b"!"})
        finally:
            os.close(fd)

    with closing(TestClient(app)) as client:
        assert client.get("/").content == b"abc!"


class Boom(Exception):
    pass


async def raising_after_start(scope: Scope, receive: Receive, send: Send) -> None:
    await send_response(send, b"error page", status=500)
    raise Boom("after the response")


async def raising_before_start(scope: Scope, receive: Receive, send: Send) -> None:
    raise Boom("before the response")


def test_server_exceptions_are_raised_by_default() -> None:
    with closing(TestClient(raising_before_start)) as client, pytest.raises(Boom, match="before"):
        client.get("/")
    with closing(TestClient(raising_after_start)) as client, pytest.raises(Boom, match="after"):
        client.get("/")


class AppAttributeError(AttributeError):
    pass


async def attribute_error_after_start(scope: Scope, receive: Receive, send: Send) -> None:
    await send_response(send, b"error page", status=500)
    raise AppAttributeError("state.db was never set")


def test_an_attribute_error_of_the_app_reaches_the_test_as_it_is() -> None:
    # requests reads `.content`, a property, while the app's error is raised: a __getattr__ on
    # the response would answer "no attribute 'content'" instead.
    client = TestClient(attribute_error_after_start)
    with closing(client), pytest.raises(AppAttributeError, match="state.db was never set"):
        client.get("/")


def test_server_exceptions_become_500_when_asked() -> None:
    with closing(TestClient(raising_after_start, raise_server_exceptions=False)) as client:
        response = client.get("/")
        assert response.status_code == 500
        assert response.text == "error page"
    with closing(TestClient(raising_before_start, raise_server_exceptions=False)) as client:
        response = client.get("/")
        assert response.status_code == 500
        assert response.content == b""  # a bare 500, as Starlette's client gives


def test_app_that_sends_nothing_gets_a_clear_error() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        return None

    with (
        closing(TestClient(app)) as client,
        pytest.raises(NoResponseError, match="GET http://testserver/x"),
    ):
        client.get("/x")


async def body_first(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.body", "body": b"x"})


async def start_twice(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200})
    await send({"type": "http.response.start", "status": 200})


async def after_complete(scope: Scope, receive: Receive, send: Send) -> None:
    await send_response(send)
    await send({"type": "http.response.body", "body": b"late"})


async def websocket_message(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200})
    await send({"type": "websocket.send", "text": "?"})


@pytest.mark.parametrize(
    ("app", "match"),
    [
        (body_first, "before 'http.response.start'"),
        (start_twice, "'http.response.start' twice"),
        (after_complete, "after response completed"),
        (websocket_message, "unexpected 'websocket.send'"),
    ],
)
def test_protocol_violations_are_reported(app: Any, match: str) -> None:
    with closing(TestClient(app)) as client, pytest.raises(ASGIProtocolError, match=match):
        client.get("/")


def test_push_promises_are_ignored() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.push", "path": "/style.css", "headers": []})
        await send_response(send, b"page")

    assert TestClient(app).get("/").text == "page"


def test_bad_urls_are_refused() -> None:
    with closing(TestClient(echo_app)) as client:
        with pytest.raises(ValueError, match=r"use client\.websocket_connect"):
            client.get("ws://testserver/ws")
        with pytest.raises(requests.exceptions.InvalidSchema):
            client.get("ftp://testserver/file")
        with pytest.raises(requests.exceptions.InvalidURL):
            client.get("http:///nohost")


async def template_app(scope: Any, receive: Any, send: Any) -> None:
    """Sends `http.response.debug` first, as a template response does."""
    info = {"template": "page.html", "context": {"title": "Hi"}}
    await send({"type": "http.response.debug", "info": info})
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"<h1>Hi</h1>"})


def test_debug_info_becomes_template_and_context() -> None:
    response = TestClient(template_app).get("/")
    assert response.text == "<h1>Hi</h1>"
    assert response.template == "page.html"
    assert response.context == {"title": "Hi"}
    plain = TestClient(echo_app).get("/")
    assert not hasattr(plain, "template")
