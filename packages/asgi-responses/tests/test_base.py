import datetime as dt

import pytest
from resp_driver import body_of, call, headers_of, http_scope

from asgi_responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from asgi_tasks import BackgroundTask
from asgi_testclient import TestClient


async def test_bytes_str_and_none_bodies() -> None:
    assert Response(b"raw").body == b"raw"
    assert Response(memoryview(b"mv")).body == b"mv"
    assert Response("é").body == "é".encode()

    class Markup(str):  # a str subclass, as template libraries hand out
        pass

    assert HTMLResponse(Markup("<b>é</b>")).body == "<b>é</b>".encode()
    assert Response().body == b""
    assert Response(None, status_code=204).raw_headers == []


async def test_automatic_length_and_type() -> None:
    response = PlainTextResponse("hi")
    assert response.raw_headers == [
        (b"content-length", b"2"),
        (b"content-type", b"text/plain; charset=utf-8"),
    ]
    assert HTMLResponse("<p>").headers["content-type"] == "text/html; charset=utf-8"
    assert Response(b"x", media_type="image/png").headers["content-type"] == "image/png"
    already = Response("x", media_type="text/plain; charset=latin-1")
    assert already.headers["content-type"] == "text/plain; charset=latin-1"


@pytest.mark.parametrize("status", [101, 204, 304])
def test_no_length_for_bodiless_statuses(status: int) -> None:
    assert "content-length" not in Response(status_code=status).headers


def test_given_headers_are_kept_and_win() -> None:
    response = Response(b"abc", headers={"Content-Length": "3", "Content-Type": "x/y", "X-A": "1"})
    assert response.raw_headers == [
        (b"content-length", b"3"),
        (b"content-type", b"x/y"),
        (b"x-a", b"1"),
    ]
    plain = PlainTextResponse("abc", headers={"X-B": "2"}, status_code=201)
    assert plain.raw_headers[-2:] == [
        (b"content-length", b"3"),
        (b"content-type", b"text/plain; charset=utf-8"),
    ]
    assert plain.headers is plain.headers


@pytest.mark.parametrize("bad", ["a\r\nb", "a\nb", "a\x00b"])
def test_header_injection_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="CR, LF or NUL"):
        Response(headers={"x": bad})
    with pytest.raises(ValueError, match="CR, LF or NUL"):
        Response(headers={bad: "v"})
    response = Response()
    with pytest.raises(ValueError, match="CR, LF or NUL"):
        response.headers["x"] = bad


def test_non_latin1_header_is_refused() -> None:
    with pytest.raises(ValueError, match="latin-1"):
        Response(headers={"x": "☃"})


async def test_sends_start_body_then_background() -> None:
    ran: list[str] = []
    sent = await call(PlainTextResponse("ok", background=BackgroundTask(ran.append, "done")))
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert body_of(sent) == b"ok"
    assert ran == ["done"]


async def test_head_sends_headers_without_body() -> None:
    sent = await call(PlainTextResponse("hello"), http_scope("HEAD"))
    assert body_of(sent) == b""
    assert headers_of(sent)[b"content-length"] == b"5"


async def test_websocket_scope_gets_a_denial_response() -> None:
    sent = await call(
        PlainTextResponse("no", status_code=403), {"type": "websocket", "path": "/", "headers": []}
    )
    assert [m["type"] for m in sent] == [
        "websocket.http.response.start",
        "websocket.http.response.body",
    ]
    assert sent[0]["status"] == 403


def test_set_and_delete_cookies() -> None:
    response = Response()
    response.set_cookie(
        "session", "abc", max_age=60, expires=dt.datetime(2030, 1, 2, tzinfo=dt.UTC),
        path="/app", domain="example.com", secure=True, httponly=True, samesite="strict", partitioned=True,
    )  # fmt: skip
    response.set_cookie("plain", "1", expires=10, samesite=None, path=None)
    response.set_cookie("text", "2", expires="Thu, 01 Jan 2099 00:00:00 GMT")
    response.delete_cookie("old")
    cookies = response.headers.getlist("set-cookie")
    assert cookies[0] == (
        "session=abc; Domain=example.com; expires=Wed, 02 Jan 2030 00:00:00 GMT; HttpOnly; "
        "Max-Age=60; Path=/app; SameSite=strict; Secure; Partitioned"
    )
    assert cookies[1].startswith("plain=1; expires=")
    assert "SameSite" not in cookies[1]
    assert "expires=Thu, 01 Jan 2099 00:00:00 GMT" in cookies[2]
    assert "Max-Age=0" in cookies[3]
    assert "old=" in cookies[3]


def test_bad_cookie_attributes_are_refused() -> None:
    with pytest.raises(ValueError, match="samesite"):
        Response().set_cookie("a", "b", samesite="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Invalid cookie name"):
        Response().set_cookie("bad name;", "x")
    with pytest.raises(ValueError, match="Cookie path .* which would change the header"):
        Response().set_cookie("a", "b", path="/x\r\nSet-Cookie: evil=1")


def test_json_response_is_compact_and_refuses_nan() -> None:
    assert JSONResponse({"a": [1, "é"]}).body == '{"a":[1,"é"]}'.encode()
    assert JSONResponse(None).body == b"null"
    for bad in (float("nan"), float("inf")):
        with pytest.raises(ValueError, match="not JSON compliant"):
            JSONResponse({"x": bad})


def test_through_the_test_client() -> None:
    client = TestClient(JSONResponse({"ok": True}, status_code=201))
    response = client.get("/")
    assert (response.status_code, response.json()) == (201, {"ok": True})


def test_content_type_cache_is_bounded_and_answers_past_its_size() -> None:
    from asgi_responses import _base

    # Media types an app builds from input (one per request, say) only miss the cache.
    for n in range(_base._CONTENT_TYPE_CACHE_SIZE + 10):
        response = PlainTextResponse("x", media_type=f"text/x-kind-{n}")
        assert (b"content-type", f"text/x-kind-{n}; charset=utf-8".encode()) in response.raw_headers
    assert len(_base._CONTENT_TYPE_HEADERS) == _base._CONTENT_TYPE_CACHE_SIZE


async def test_a_scope_without_a_method_is_answered_as_a_get() -> None:
    sent: list[dict[str, object]] = []

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    async def receive() -> dict[str, object]:
        raise AssertionError("not called")  # pragma: no cover

    await Response("hi")({"type": "http"}, receive, send)
    assert sent[1] == {"type": "http.response.body", "body": b"hi"}
