"""Both of Starlette's client dialects: the requests-era names and the httpx-era ones."""

from __future__ import annotations

import asyncio
import sys
import types
from typing import Any

import pytest
from testclient_apps import echo_app, send_response

from asgi_protocol.exceptions import ToolkitDeprecationWarning
from asgi_protocol.types import Receive, Scope, Send
from asgi_testclient import (
    ASGIProtocolError,
    CookieJar,
    Headers,
    NoResponseError,
    NotAnApp,
    TestClient,
    TestResponse,
)


def test_backend_asyncio_is_accepted_with_its_options() -> None:
    loops: list[asyncio.AbstractEventLoop] = []

    def factory() -> asyncio.AbstractEventLoop:
        loops.append(asyncio.new_event_loop())
        return loops[-1]

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        assert asyncio.get_running_loop() is loops[-1]
        assert asyncio.get_running_loop().get_debug()
        await send_response(send, b"ok")

    client = TestClient(
        app, backend="asyncio", backend_options={"loop_factory": factory, "debug": True}
    )
    assert client.get("/").text == "ok"
    assert client.async_backend == {
        "backend": "asyncio",
        "backend_options": {"loop_factory": factory, "debug": True},
    }


def test_use_uvloop_asks_uvloop_for_the_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("uvloop")
    fake.new_event_loop = asyncio.new_event_loop
    monkeypatch.setitem(sys.modules, "uvloop", fake)
    client = TestClient(echo_app, backend_options={"use_uvloop": True})
    assert client._loop_factory is asyncio.new_event_loop


def test_trio_and_unknown_options_are_refused_clearly() -> None:
    with pytest.raises(ValueError, match="'trio' is not supported: it runs apps on asyncio only"):
        TestClient(echo_app, backend="trio")
    with pytest.raises(TypeError, match="unknown asyncio backend_options: nope"):
        TestClient(echo_app, backend_options={"nope": 1})


def asgi2_function(scope: Scope) -> Any:
    async def instance(receive: Receive, send: Send) -> None:
        await send_response(send, b"asgi2 " + scope["path"].encode())

    return instance


class ASGI2Class:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    async def __call__(self, receive: Receive, send: Send) -> None:
        await send_response(send, b"class")


class ASGI3Object:
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send_response(send, b"asgi3")


class ASGI3Class:
    """Its instances are ASGI 3 apps; the class itself is none."""

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        await send_response(send, b"instance")


def test_an_app_class_where_its_instance_belongs_is_refused() -> None:
    with pytest.raises(NotAnApp) as info:
        TestClient(ASGI3Class)  # type: ignore[arg-type]
    assert isinstance(info.value, TypeError)
    assert str(info.value) == (
        "TestClient got the class ASGI3Class, not an app: create the app first and pass it, "
        "TestClient(ASGI3Class(...))"
    )
    assert TestClient(ASGI3Class()).get("/").text == "instance"


def test_asgi2_apps_are_run_too() -> None:
    assert TestClient(asgi2_function).get("/f").text == "asgi2 /f"
    assert TestClient(ASGI2Class).get("/").text == "class"
    assert TestClient(ASGI3Object()).get("/").text == "asgi3"
    assert TestClient(lambda scope, receive, send: echo_app(scope, receive, send)).get("/").ok


def test_httpx_response_names() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        status = int(scope["path"].strip("/") or 200)
        headers = [(b"set-cookie", b"a=1; Path=/"), (b"set-cookie", b"b=2; Path=/")]
        if status in (301, 302, 303, 307, 308):
            headers.append((b"location", b"/200"))
        await send_response(send, b"{}", status=status, headers=headers)

    client = TestClient(app, follow_redirects=False)
    response = client.get("/")
    assert isinstance(response, TestResponse)
    assert response.is_success
    assert not response.is_error
    assert not response.is_redirect
    assert not response.is_informational
    assert response.reason_phrase == "OK"
    assert response.http_version == "HTTP/1.1"
    assert response.read() == b"{}"
    assert response.headers["set-cookie"] == "a=1; Path=/, b=2; Path=/"
    assert response.headers.multi_items() == [
        ("set-cookie", "a=1; Path=/"),
        ("set-cookie", "b=2; Path=/"),
    ]
    assert response.headers.get_list("Set-Cookie") == ["a=1; Path=/", "b=2; Path=/"]
    assert response.headers.raw == [
        (b"set-cookie", b"a=1; Path=/"),
        (b"set-cookie", b"b=2; Path=/"),
    ]
    assert isinstance(response.cookies, CookieJar)
    assert response.cookies.jar is response.cookies
    assert response.cookies["a"] == "1"
    assert client.get("/307").is_redirect
    assert client.get("/307", follow_redirects=True).status_code == 200
    assert client.get("/404").is_client_error
    assert client.get("/404").is_error
    assert client.get("/503").is_server_error
    assert client.get("/103").is_informational
    assert client.get("/299").reason_phrase == ""


def test_headers_stay_in_step_when_changed() -> None:
    headers = Headers([(b"a", b"1"), (b"A", b"2"), (b"b", b"3")])
    assert headers["a"] == "1, 2"
    headers["A"] = "x"
    del headers["b"]
    assert headers.multi_items() == [("A", "x")]
    assert headers.getlist("a") == ["x"]


def test_session_cookies_take_a_mapping_or_a_jar_and_delete() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send_response(send, dict(scope["headers"]).get(b"cookie", b""))

    client = TestClient(app, cookies={"a": "1"})
    assert client.get("/").text == "a=1"
    assert client.cookies.jar is client.cookies
    client.cookies.set("b", "2")
    client.cookies.set("b", "3", domain="other.example", path="/x")
    client.cookies.delete("b", domain="other.example")
    assert sorted(c.name + c.value for c in client.cookies) == ["a1", "b2"]
    client.cookies.delete("a", path="/elsewhere")
    client.cookies.delete("a")
    assert client.get("/").text == "b=2"
    other = CookieJar()
    other.set("c", "3")
    client.cookies = other
    assert client.get("/").text == "c=3"
    assert client.cookies is not other
    client.cookies = None
    assert client.get("/").text == ""


def test_a_header_given_twice_reaches_the_app_twice() -> None:
    client = TestClient(echo_app)
    scope = client.get(
        "/", headers=[("x-token", "foo"), (b"X-Token", b"bar"), ("x-one", "1")]
    ).json()
    pairs = scope["scope"]["headers"]
    assert [v for k, v in pairs if k == "x-token"] == ["foo", "bar"]
    assert ["x-one", "1"] in pairs
    request = client.build_request("GET", "/", headers=[("x-a", "1"), ("x-a", "2")])
    assert request.headers["x-a"] == "1, 2"
    assert client.send(request).json()["scope"]["headers"].count(["x-a", "1"]) == 1


def test_build_request_and_send() -> None:
    client = TestClient(echo_app, base_url="http://testserver/base")
    request = client.build_request("POST", "/x", params={"q": "1"}, content=b"raw")
    assert request.url == "http://testserver/base/x?q=1"
    got = client.send(request).json()
    assert (got["scope"]["path"], got["body"]) == ("/base/x", "raw")
    assert client.send(client.build_request("POST", "/", json={"a": 1})).json()["body"] == '{"a":1}'
    with pytest.raises(TypeError, match="either content= or data="):
        client.build_request("POST", "/", content=b"a", data=b"b")


def test_extensions_are_accepted_on_requests() -> None:
    assert TestClient(echo_app).get("/", extensions={"timeout": {}}).ok


def test_debug_extension_and_template_attributes() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        info: dict[str, Any] = {"blocks": ["nav"]}
        if scope["path"] == "/template":
            info.update(template="page.html", context={"a": 1})
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.debug", "info": info})
        await send({"type": "http.response.body", "body": b"x"})

    client = TestClient(app)
    plain = client.get("/")
    assert plain.extensions["http.response.debug"] == {"blocks": ["nav"]}
    assert not hasattr(plain, "template")
    assert not hasattr(plain, "context")
    page = client.get("/template")
    assert page.template == "page.html"
    assert page.context == {"a": 1}
    with pytest.raises(AttributeError, match="no attribute 'other'"):
        page.other  # type: ignore[attr-defined]  # noqa: B018


@pytest.mark.parametrize("port", [8000, 0])
def test_ipv6_base_url(port: int) -> None:
    client = TestClient(echo_app, base_url=f"http://[::1]:{port}")
    scope = client.get("/x?q=1").json()["scope"]
    assert scope["server"] == ["::1", port]
    assert ["host", f"[::1]:{port}"] in scope["headers"]
    assert (scope["path"], scope["query_string"]) == ("/x", "q=1")


async def trailers_undeclared(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.trailers"})


async def trailers_early(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "trailers": True})
    await send({"type": "http.response.trailers"})


async def body_after_body(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "trailers": True})
    await send({"type": "http.response.body"})
    await send({"type": "http.response.body"})


async def silent(scope: Scope, receive: Receive, send: Send) -> None:
    return None


@pytest.mark.parametrize(
    ("app", "error", "match"),
    [
        (trailers_undeclared, ASGIProtocolError, "without declaring trailers"),
        (trailers_early, ASGIProtocolError, "before body completed"),
        (body_after_body, ASGIProtocolError, "after body completed"),
        (silent, NoResponseError, "TestClient did not receive any response"),
    ],
)
def test_app_bugs_are_also_assertion_errors(app: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(AssertionError, match=match) as info:
        TestClient(app).get("/")
    assert isinstance(info.value, error)
    assert isinstance(info.value, RuntimeError)


def test_timeout_has_no_effect_and_says_so() -> None:
    client = TestClient(echo_app)
    with pytest.warns(ToolkitDeprecationWarning, match="should not use the 'timeout' argument"):
        assert client.get("/", timeout=1).status_code == 200


def test_header_values_reach_the_app_trimmed_as_a_server_trims_them() -> None:
    client = TestClient(echo_app)
    sent = {"if-none-match": " \t* \t", "x-bytes": b"  raw "}
    headers = dict(client.get("/", headers=sent).json()["scope"]["headers"])
    assert headers["if-none-match"] == "*"
    assert headers["x-bytes"] == "raw"
    request = client.build_request("GET", "/", headers=[("x-pair", "  v")])
    assert request.headers["x-pair"] == "v"


def test_a_parts_own_headers_come_before_its_content_type() -> None:
    client = TestClient(echo_app)
    files = [
        ("a", ("a.txt", b"one", "text/plain", {"x-custom": "1"})),
        ("b", ("b.txt", b"two", "text/plain", {"Content-Type": "text/csv"})),
        ("c", ("c.txt", b"three", "text/plain")),
    ]
    body = client.post("/", files=files).json()["body"]
    part_a = body.split('name="a"', 1)[1].split("\r\n\r\n", 1)[0]
    assert part_a.index("x-custom: 1") < part_a.index("content-type: text/plain")
    part_b = body.split('name="b"', 1)[1].split("\r\n\r\n", 1)[0]
    assert "content-type: text/csv" in part_b
    assert "text/plain" not in part_b
