import asyncio
from http.cookies import SimpleCookie
from typing import Any

import pytest
from mw_apps import lifespan_app, run

from asgi_middleware.csrf import (
    CSRF_TOKEN_SCOPE_KEY,
    CSRFMiddleware,
    get_csrf_token,
    own_origin,
    parse_origin,
)
from asgi_protocol.exceptions import WebSocketDisconnect
from asgi_protocol.types import Receive, Scope, Send
from asgi_requests import FORM_SCOPE_KEY, Request
from asgi_responses import JSONResponse, PlainTextResponse
from asgi_testclient import TestClient
from asgi_testclient.exceptions import WebSocketDenialResponse

TOKEN = "t" * 43  # the shape of secrets.token_urlsafe(32)
OTHER = "o" * 43
SAME = {"Origin": "http://testserver"}
WITH_COOKIE = {"Cookie": f"csrftoken={TOKEN}"}
FORM = "application/x-www-form-urlencoded"


async def echo_form(scope: Scope, receive: Receive, send: Send) -> None:
    """Answers with the form the app parsed, and whether anybody parsed one before it."""
    request = Request(scope, receive)
    before = FORM_SCOPE_KEY in scope
    async with request.form() as form:
        fields = {k: v if isinstance(v, str) else "file" for k, v in form.multi_items()}
    await JSONResponse({"fields": fields, "parsed_before": before})(scope, receive, send)


async def echo_body(scope: Scope, receive: Receive, send: Send) -> None:
    body = await Request(scope, receive).body()
    await PlainTextResponse(body.decode("latin-1"))(scope, receive, send)


def client(app: Any = echo_body, **options: Any) -> TestClient:
    return TestClient(CSRFMiddleware(app, **options), follow_redirects=False)


def set_cookie(response: Any) -> SimpleCookie:
    cookies: SimpleCookie = SimpleCookie()
    cookies.load(response.headers["set-cookie"])
    return cookies


# The cookie and the token in the scope.


def test_a_first_visit_gets_a_token_cookie_readable_by_the_page() -> None:
    async def page(scope: Scope, receive: Receive, send: Send) -> None:
        await PlainTextResponse(get_csrf_token(Request(scope)))(scope, receive, send)

    response = client(page).get("/")
    cookie = set_cookie(response)["csrftoken"]
    assert cookie.value == response.text  # the form rendered with the token of the cookie
    assert len(cookie.value) == 43
    header = response.headers["set-cookie"]
    for attribute in ("SameSite=lax", "Path=/", "Max-Age=31536000"):
        assert attribute in header
    for attribute in ("HttpOnly", "Secure"):
        assert attribute not in header


def test_the_cookie_is_secure_over_https() -> None:
    response = TestClient(CSRFMiddleware(echo_body), base_url="https://testserver").get("/")
    assert "Secure" in response.headers["set-cookie"]


def test_a_known_cookie_is_kept_and_not_sent_again() -> None:
    seen: list[str] = []

    async def page(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope[CSRF_TOKEN_SCOPE_KEY])
        await PlainTextResponse("ok")(scope, receive, send)

    response = client(page).get("/", headers=WITH_COOKIE)
    assert "set-cookie" not in response.headers
    assert seen == [TOKEN]


@pytest.mark.parametrize("value", ["short", "t" * 44, "t" * 42 + "!", ""])
def test_a_cookie_not_of_our_making_is_replaced(value: str) -> None:
    response = client().get("/", headers={"Cookie": f"csrftoken={value}"})
    assert set_cookie(response)["csrftoken"].value != value


def test_an_app_setting_the_cookie_itself_is_not_overridden() -> None:
    async def rotates(scope: Scope, receive: Receive, send: Send) -> None:
        response = PlainTextResponse("ok")
        response.set_cookie("csrftoken", OTHER)
        await response(scope, receive, send)

    response = client(rotates).get("/")
    assert response.headers["set-cookie"].count("csrftoken=") == 1
    assert set_cookie(response)["csrftoken"].value == OTHER


def test_no_max_age() -> None:
    assert "Max-Age" not in client(cookie_max_age=None).get("/").headers["set-cookie"]


def test_get_csrf_token_outside_the_middleware() -> None:
    with pytest.raises(RuntimeError, match="did not pass through CSRFMiddleware"):
        get_csrf_token({"type": "http"})


# Safe methods.


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "TRACE"])
def test_safe_methods_pass_from_anywhere(method: str) -> None:
    response = client().request(method, "/", headers={"Origin": "https://evil.example"})
    assert response.status_code == 200


# Origin and Referer.


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "PROPFIND"])
def test_unsafe_methods_from_another_origin_are_refused(method: str) -> None:
    response = client().request(method, "/", headers={"Origin": "https://evil.example"})
    assert (response.status_code, response.text) == (
        403,
        "CSRF: Origin https://evil.example is not trusted",
    )


@pytest.mark.parametrize(
    "origin", ["http://testserver", "HTTP://TestServer", "http://testserver:80"]
)
def test_the_requests_own_origin_passes(origin: str) -> None:
    response = client().post("/", headers={"Origin": origin}, content=b"{}")
    assert (response.status_code, response.text) == (200, "{}")


@pytest.mark.parametrize(
    ("origin", "shown"),
    [
        ("https://testserver", "https://testserver"),  # another scheme
        ("http://testserver:8000", "http://testserver:8000"),  # another port
        ("http://testserver.evil", "http://testserver.evil"),
        ("null", "null"),  # a sandboxed page
        ("http://user@testserver", "http://user@testserver"),  # no host by the hosts rule
        ("testserver", "testserver"),
        ("x" * 500, "x" * 100),  # quoted, but not whole
        ("http://" + "a" * 500, "http://" + "a" * 93),  # a host, but a long one
    ],
)
def test_origins_that_are_not_ours(origin: str, shown: str) -> None:
    response = client().post("/", headers={"Origin": origin})
    assert (response.status_code, response.text) == (403, f"CSRF: Origin {shown} is not trusted")


def test_trusted_origins() -> None:
    c = client(trusted_origins=["https://app.example", "https://*.example.org:8443"])
    assert c.post("/", headers={"Origin": "https://app.example"}).status_code == 200
    assert c.post("/", headers={"Origin": "https://a.b.example.org:8443"}).status_code == 200
    for origin in (
        "https://example.org:8443",  # the wildcard covers subdomains only
        "https://a.example.org",  # not the port listed
        "http://a.example.org:8443",  # not the scheme listed
        "https://app.example.evil",
        "https://evilexample.org:8443",
    ):
        assert c.post("/", headers={"Origin": origin}).status_code == 403, origin


def test_the_referer_counts_when_there_is_no_origin() -> None:
    c = client()
    assert c.post("/", headers={"Referer": "http://testserver/form?x=1#top"}).status_code == 200
    response = c.post("/", headers={"Referer": "https://evil.example/page?secret=1"})
    assert (response.status_code, response.text) == (
        403,
        "CSRF: Referer https://evil.example is not trusted",
    )
    assert c.post("/", headers={"Referer": "about:blank"}).text == (
        "CSRF: Referer about:blank is not trusted"
    )


def test_the_origin_wins_over_the_referer() -> None:
    headers = {"Origin": "https://evil.example", "Referer": "http://testserver/"}
    assert client().post("/", headers=headers).status_code == 403


def test_neither_header_means_no_browser_sent_it() -> None:
    assert (
        client().post("/", content=b"{}", headers={"Content-Type": "application/json"}).text == "{}"
    )


def test_without_a_host_only_trusted_origins_pass() -> None:
    scope = {"type": "http", "method": "POST", "headers": [(b"origin", b"http://x")]}
    assert run(CSRFMiddleware(echo_body), {**scope, "server": None})[0]["status"] == 403
    trusting = CSRFMiddleware(echo_body, trusted_origins=["http://x"])
    assert run(trusting, {**scope, "server": None})[0]["status"] == 200


def test_origin_helpers() -> None:
    assert parse_origin("https://[::1]:8443/x") == ("https", "[::1]", 8443)
    assert parse_origin("HTTPS://Example.COM") == ("https", "example.com", 443)
    assert parse_origin("ftp://example.com") is None
    assert parse_origin("http://example.com:99999") is None
    assert own_origin({"type": "websocket", "scheme": "wss", "headers": [(b"host", b"a.b")]}) == (
        "https",
        "a.b",
        443,
    )
    assert own_origin({"type": "http", "scheme": "gopher", "headers": [(b"host", b"a")]}) is None


# The token, for forms.


def post_form(c: TestClient, data: Any = None, headers: Any = None, **kwargs: Any) -> Any:
    return c.post("/", data=data, headers={**SAME, **WITH_COOKIE, **(headers or {})}, **kwargs)


def test_a_form_with_the_right_field_passes_and_the_app_reads_it_whole() -> None:
    response = post_form(client(echo_form), {"csrf_token": TOKEN, "name": "ada", "n": "1"})
    assert response.status_code == 200
    assert response.json() == {
        "fields": {"csrf_token": TOKEN, "name": "ada", "n": "1"},
        "parsed_before": False,  # our parse, for the check, is not taken for the app's
    }


def test_the_body_reaches_the_app_byte_for_byte() -> None:
    body = f"a=%00%ff&csrf_token={TOKEN}&b=" + "x" * 5000
    response = post_form(client(), content=body.encode(), headers={"Content-Type": FORM})
    assert response.text == body


def test_a_form_with_the_token_in_the_header_is_not_read_by_the_middleware() -> None:
    reads: list[Any] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await echo_body(scope, receive, send)

    async def counting(scope: Scope, receive: Receive, send: Send) -> None:
        async def counted() -> Any:
            message = await receive()
            reads.append(message)
            return message

        await CSRFMiddleware(app)(scope, counted, send)

    response = TestClient(counting).post(
        "/", data={"x": "1"}, headers={**SAME, **WITH_COOKIE, "X-CSRF-Token": TOKEN}
    )
    assert (response.status_code, response.text) == (200, "x=1")
    assert len(reads) == 1  # the app's own read, once


def test_a_multipart_form_with_the_field() -> None:
    response = post_form(
        client(echo_form),
        {"csrf_token": TOKEN},
        files={"upload": ("a.txt", b"data", "text/plain")},
    )
    assert response.json()["fields"] == {"csrf_token": TOKEN, "upload": "file"}


def test_a_file_named_like_the_field_is_no_token() -> None:
    response = post_form(client(echo_form), files={"csrf_token": ("t.txt", TOKEN.encode())})
    assert response.status_code == 403
    assert response.text.startswith("CSRF: token missing")


def test_a_form_without_the_cookie() -> None:
    response = client().post("/", data={"csrf_token": TOKEN}, headers=SAME)
    assert (response.status_code, response.text) == (
        403,
        "CSRF: token missing: no csrftoken cookie came",
    )
    assert "csrftoken=" in response.headers["set-cookie"]  # the next try can succeed


def test_a_form_without_the_token() -> None:
    response = post_form(client(), {"name": "ada"})
    assert (response.status_code, response.text) == (
        403,
        "CSRF: token missing: send it in the X-CSRF-Token header or the csrf_token form field",
    )


@pytest.mark.parametrize(
    "submitted",
    [{"data": {"csrf_token": OTHER}}, {"data": {"x": "1"}, "headers": {"X-CSRF-Token": OTHER}}],
)
def test_a_wrong_token(submitted: dict[str, Any]) -> None:
    response = post_form(client(), **submitted)
    assert (response.status_code, response.text) == (403, "CSRF: token mismatch")


def test_a_header_token_full_of_non_ascii_is_a_mismatch_not_a_crash() -> None:
    headers = {"X-CSRF-Token": "é".encode("latin-1") * 43}
    assert post_form(client(), {"x": "1"}, headers=headers).text == "CSRF: token mismatch"


def test_a_non_ascii_field_is_a_mismatch_not_a_crash() -> None:
    assert post_form(client(), {"csrf_token": "€" * 43}).text == "CSRF: token mismatch"


def test_text_plain_takes_the_header_only() -> None:
    c = client()
    body = f"csrf_token={TOKEN}\r\n".encode()
    headers = {"Content-Type": "text/plain"}
    response = post_form(c, content=body, headers=headers)
    assert (response.status_code, response.text) == (
        403,
        "CSRF: token missing: send it in the X-CSRF-Token header",
    )
    ok = post_form(c, content=body, headers={**headers, "X-CSRF-Token": TOKEN})
    assert (ok.status_code, ok.content) == (200, body)


def test_a_text_plain_body_is_never_read_for_a_field() -> None:
    response = post_form(
        client(max_form_size=4), content=b"csrf_token=...", headers={"Content-Type": "text/plain"}
    )
    assert response.text == "CSRF: token missing: send it in the X-CSRF-Token header"


def test_json_needs_no_token() -> None:
    response = client().post("/", json={"a": 1}, headers=SAME)
    assert (response.status_code, response.text) == (200, '{"a":1}')


def test_a_form_over_the_size_is_refused_unread_when_its_length_says_so() -> None:
    reads: list[Any] = []

    async def receive() -> Any:
        reads.append(1)
        return {"type": "http.request", "body": b"x" * 11}

    async def main() -> list[Any]:
        sent: list[Any] = []

        async def send(message: Any) -> None:
            sent.append(message)

        headers = [
            (b"host", b"testserver"),
            (b"cookie", f"csrftoken={TOKEN}".encode()),
            (b"content-type", FORM.encode()),
            (b"content-length", b"11"),
        ]
        scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}
        await CSRFMiddleware(echo_body, max_form_size=10)(scope, receive, send)
        return sent

    sent = asyncio.run(main())
    assert sent[0]["status"] == 403
    assert sent[1]["body"] == (
        b"CSRF: a form over 10 bytes must send its token in the X-CSRF-Token header"
    )
    assert reads == []


def test_a_form_over_the_size_is_refused_as_it_streams() -> None:
    scope = {
        "type": "http",
        "method": "POST",
        "headers": [(b"cookie", f"csrftoken={TOKEN}".encode()), (b"content-type", FORM.encode())],
    }
    chunks = [{"type": "http.request", "body": b"a=" + b"x" * 6, "more_body": True}] * 3
    sent = run(CSRFMiddleware(echo_body, max_form_size=20), scope, chunks)
    assert sent[0]["status"] == 403
    assert b"over 20 bytes" in sent[1]["body"]


def test_a_form_exactly_at_the_size_is_read() -> None:
    body = f"csrf_token={TOKEN}".encode()
    response = post_form(
        client(max_form_size=len(body)), content=body, headers={"Content-Type": FORM}
    )
    assert response.status_code == 200


def test_a_form_read_in_chunks_is_replayed_then_the_client_is_heard() -> None:
    received: list[Any] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        received.extend([await receive(), await receive()])
        await PlainTextResponse("ok")(scope, receive, send)

    scope = {
        "type": "http",
        "method": "POST",
        "headers": [(b"cookie", f"csrftoken={TOKEN}".encode()), (b"content-type", FORM.encode())],
    }
    parts = [b"csrf_to", f"ken={TOKEN}".encode(), b""]
    chunks = [
        {"type": "http.request", "body": part, "more_body": i < 2} for i, part in enumerate(parts)
    ]
    sent = run(CSRFMiddleware(app), scope, chunks)
    assert sent[0]["status"] == 200
    assert received == [
        {"type": "http.request", "body": f"csrf_token={TOKEN}".encode(), "more_body": False},
        {"type": "http.disconnect"},
    ]


def test_a_client_that_leaves_mid_form_is_answered_nothing() -> None:
    called: list[Any] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        called.append(1)

    scope = {
        "type": "http",
        "method": "POST",
        "headers": [(b"cookie", f"csrftoken={TOKEN}".encode()), (b"content-type", FORM.encode())],
    }
    chunks = [{"type": "http.request", "body": b"a=1", "more_body": True}]  # then a disconnect
    assert run(CSRFMiddleware(app), scope, chunks) == []
    assert called == []


def test_a_malformed_multipart_form_is_a_400() -> None:
    response = post_form(
        client(),
        content=b"--b\r\nnot a part",
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert response.status_code == 400
    assert response.text.startswith("CSRF: ")


def test_custom_names() -> None:
    c = client(cookie_name="xsrf", header_name="X-XSRF", field_name="_xsrf")
    headers = {**SAME, "Cookie": f"xsrf={TOKEN}"}
    assert c.post("/", data={"_xsrf": TOKEN}, headers=headers).status_code == 200
    assert c.post("/", data={"x": "1"}, headers={**headers, "X-XSRF": TOKEN}).status_code == 200
    assert c.post("/", data={"csrf_token": TOKEN}, headers=headers).status_code == 403


# Exempt paths.


@pytest.mark.parametrize(
    ("path", "exempt"),
    [("/hooks", True), ("/hooks/github", True), ("/hooksx", False), ("/", False)],
)
def test_exempt_paths(path: str, exempt: bool) -> None:
    c = client(exempt_paths=["/hooks/"])
    response = c.post(path, headers={"Origin": "https://evil.example"})
    assert (response.status_code == 200) is exempt
    assert ("set-cookie" in response.headers) is not exempt


def test_the_root_exempts_everything() -> None:
    assert client(exempt_paths=["/"]).post("/x", data={"a": "b"}).status_code == 200


# Start-up checks.


@pytest.mark.parametrize(
    "entry",
    [
        "example.com",
        "https://example.com/",
        "https://example.com/path",
        "ftp://example.com",
        "https://*",
        "https://a*.example.com",
        "https://*.*.example.com",
        "https://example.com:99999",
        "https://",
    ],
)
def test_malformed_trusted_origins_are_refused(entry: str) -> None:
    with pytest.raises(ValueError, match="trusted_origins entries are scheme://host"):
        CSRFMiddleware(echo_body, trusted_origins=[entry])


def test_null_is_never_trusted() -> None:
    with pytest.raises(ValueError, match="'null' can't be trusted"):
        CSRFMiddleware(echo_body, trusted_origins=["null"])


@pytest.mark.parametrize("option", ["trusted_origins", "exempt_paths"])
def test_a_single_string_is_refused(option: str) -> None:
    with pytest.raises(TypeError, match=f"{option} must be a sequence of strings"):
        CSRFMiddleware(echo_body, **{option: "/x"})


def test_exempt_paths_must_be_paths() -> None:
    with pytest.raises(ValueError, match="starting with '/'"):
        CSRFMiddleware(echo_body, exempt_paths=["hooks"])


@pytest.mark.parametrize(("size", "error"), [(True, TypeError), (1.5, TypeError), (-1, ValueError)])
def test_bad_max_form_sizes(size: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="max_form_size"):
        CSRFMiddleware(echo_body, max_form_size=size)


def test_bad_names_are_refused_at_start_up() -> None:
    with pytest.raises(ValueError, match="Invalid cookie name"):
        CSRFMiddleware(echo_body, cookie_name="a;b")
    with pytest.raises(ValueError, match="Not a header name"):
        CSRFMiddleware(echo_body, header_name="X CSRF")


# WebSockets and lifespan.


async def ws_app(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close"})


@pytest.mark.parametrize("headers", [{"Origin": "http://testserver"}, {}])
def test_a_websocket_from_our_origin_or_no_browser_is_accepted(headers: dict[str, str]) -> None:
    with client(ws_app).websocket_connect("/", headers=headers) as session:
        assert session.receive()["type"] == "websocket.close"


def test_a_websocket_from_another_origin_is_denied_with_a_403() -> None:
    c = client(ws_app)
    with pytest.raises(WebSocketDenialResponse) as denied:
        c.websocket_connect("/", headers={"Origin": "https://evil.example"})
    assert denied.value.response.status_code == 403  # type: ignore[attr-defined]
    assert denied.value.response.text == "CSRF: Origin https://evil.example is not trusted"  # type: ignore[attr-defined]


def test_a_websocket_from_another_origin_is_closed_without_the_denial_extension() -> None:
    scope = {"type": "websocket", "headers": [(b"origin", b"https://" + b"e" * 300 + b".x")]}
    sent = run(CSRFMiddleware(ws_app), scope, [{"type": "websocket.connect"}])
    assert [(m["type"], m["code"]) for m in sent] == [("websocket.close", 1008)]
    assert len(sent[0]["reason"].encode()) == 123
    assert sent[0]["reason"].startswith("CSRF: Origin https://eee")


def test_websocket_origins_unchecked_on_request() -> None:
    c = client(ws_app, check_websocket_origin=False)
    with c.websocket_connect("/", headers={"Origin": "https://evil.example"}) as session:
        assert session.receive()["type"] == "websocket.close"


def test_a_websocket_on_an_exempt_path() -> None:
    c = client(ws_app, exempt_paths=["/ws"])
    with c.websocket_connect("/ws", headers={"Origin": "https://evil.example"}) as session:
        assert session.receive()["type"] == "websocket.close"


def test_lifespan_passes_untouched() -> None:
    sent = run(
        CSRFMiddleware(lifespan_app),
        {"type": "lifespan"},
        [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}],
    )
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def test_a_websocket_from_a_sandboxed_page_is_denied() -> None:
    c = client(ws_app)
    with pytest.raises(WebSocketDisconnect):  # a denial is a disconnect too
        c.websocket_connect("/", headers={"Origin": "null"})
