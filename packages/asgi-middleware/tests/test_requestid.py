import asyncio
import logging
import re
from typing import Any

import pytest
from mw_apps import lifespan_app, run, text_app

from asgi_middleware import ServerErrorMiddleware
from asgi_middleware.requestid import (
    REQUEST_ID_SCOPE_KEY,
    RequestIdFilter,
    RequestIdMiddleware,
    current_request_id,
    new_request_id,
)
from asgi_protocol.types import Receive, Scope, Send
from asgi_responses import PlainTextResponse
from asgi_testclient import TestClient

NEW_ID = re.compile(r"[0-9a-f]{32}")


async def tell_id(scope: Scope, receive: Receive, send: Send) -> None:
    """Answers with the id it sees in the contextvar and in the scope."""
    text = f"{current_request_id()} {scope[REQUEST_ID_SCOPE_KEY]}"
    await PlainTextResponse(text)(scope, receive, send)


async def broken(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError("boom")


def test_a_request_without_an_id_gets_a_new_one_everywhere() -> None:
    response = TestClient(RequestIdMiddleware(tell_id)).get("/")
    request_id = response.headers["x-request-id"]
    assert NEW_ID.fullmatch(request_id)
    assert response.text == f"{request_id} {request_id}"


def test_new_ids_differ() -> None:
    client = TestClient(RequestIdMiddleware(tell_id))
    assert len({client.get("/").headers["x-request-id"] for _ in range(5)}) == 5
    assert NEW_ID.fullmatch(new_request_id())


@pytest.mark.parametrize("incoming", ["abc", "A.b_c-9", "x" * 128, "0"])
def test_a_plain_incoming_id_is_kept(incoming: str) -> None:
    response = TestClient(RequestIdMiddleware(tell_id)).get("/", headers={"X-Request-ID": incoming})
    assert response.headers["x-request-id"] == incoming
    assert response.text == f"{incoming} {incoming}"


@pytest.mark.parametrize("incoming", ["", "x" * 129, "a b", "a/b", "<script>", "é", "a,b", "a;b"])
def test_an_incoming_id_outside_the_rule_is_replaced(incoming: str) -> None:
    response = TestClient(RequestIdMiddleware(tell_id)).get(
        "/", headers={"X-Request-ID": incoming.encode("utf-8")}
    )
    assert NEW_ID.fullmatch(response.headers["x-request-id"])


def test_control_characters_in_an_incoming_id_are_never_echoed() -> None:
    scope = {"type": "http", "headers": [(b"x-request-id", b"ok\r\nset-cookie: a=b")]}
    sent = run(RequestIdMiddleware(text_app()), scope)
    assert [value for name, value in sent[0]["headers"] if name == b"x-request-id"] != [
        b"ok\r\nset-cookie: a=b"
    ]
    assert NEW_ID.fullmatch(dict(sent[0]["headers"])[b"x-request-id"].decode())


def test_the_first_of_two_incoming_ids_counts() -> None:
    scope = {"type": "http", "headers": [(b"x-request-id", b"first"), (b"x-request-id", b"2nd")]}
    sent = run(RequestIdMiddleware(text_app()), scope)
    assert (b"x-request-id", b"first") in sent[0]["headers"]


def test_a_bad_first_id_is_not_replaced_by_a_later_one() -> None:
    scope = {"type": "http", "headers": [(b"x-request-id", b"bad id"), (b"x-request-id", b"ok")]}
    sent = run(RequestIdMiddleware(text_app()), scope)
    assert NEW_ID.fullmatch(dict(sent[0]["headers"])[b"x-request-id"].decode())


def test_max_length() -> None:
    client = TestClient(RequestIdMiddleware(tell_id, max_length=4))
    assert client.get("/", headers={"X-Request-ID": "abcd"}).headers["x-request-id"] == "abcd"
    assert client.get("/", headers={"X-Request-ID": "abcde"}).headers["x-request-id"] != "abcde"


def test_untrusted_incoming_ids_are_ignored() -> None:
    client = TestClient(RequestIdMiddleware(tell_id, trust_incoming=False))
    assert NEW_ID.fullmatch(
        client.get("/", headers={"X-Request-ID": "mine"}).headers["x-request-id"]
    )


def test_another_header_name() -> None:
    client = TestClient(RequestIdMiddleware(tell_id, header_name="X-Correlation-ID"))
    response = client.get("/", headers={"X-Correlation-ID": "c-1", "X-Request-ID": "r-1"})
    assert response.headers["x-correlation-id"] == "c-1"
    assert "x-request-id" not in response.headers


@pytest.mark.parametrize("name", ["", "X Request", "X-Request-ID:", "a\r\nb", "é"])
def test_bad_header_names_are_refused_at_start_up(name: str) -> None:
    with pytest.raises(ValueError, match="Not a header name"):
        RequestIdMiddleware(tell_id, header_name=name)


@pytest.mark.parametrize("max_length", [0, -1, True, 2.5, "8"])
def test_bad_max_lengths_are_refused_at_start_up(max_length: Any) -> None:
    with pytest.raises(ValueError, match="max_length must be a positive int"):
        RequestIdMiddleware(tell_id, max_length=max_length)


@pytest.mark.parametrize("name", [b"x-request-id", b"X-Request-Id"])
def test_an_id_the_app_sets_itself_is_not_doubled(name: bytes) -> None:
    sent = run(RequestIdMiddleware(text_app(headers=[(name, b"app-id")])), {"type": "http"})
    assert [value for key, value in sent[0]["headers"] if key.lower() == b"x-request-id"] == [
        b"app-id"
    ]


def test_the_apps_header_list_is_not_changed() -> None:
    response = PlainTextResponse("shared")  # one Response object answering every request
    before = list(response.raw_headers)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await response(scope, receive, send)

    client = TestClient(RequestIdMiddleware(app))
    first, second = client.get("/"), client.get("/")
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    assert response.raw_headers == before


def test_a_custom_generator() -> None:
    client = TestClient(RequestIdMiddleware(tell_id, generate=lambda: "req-1"))
    assert client.get("/").headers["x-request-id"] == "req-1"


@pytest.mark.parametrize("made", ["has space", "", 7, "x" * 129])
def test_a_generator_breaking_the_rule_is_a_clear_error(made: Any) -> None:
    client = TestClient(RequestIdMiddleware(tell_id, generate=lambda: made))
    with pytest.raises(ValueError, match="a request id is 1 to 128 characters"):
        client.get("/")


def test_the_contextvar_is_reset_after_a_request() -> None:
    sent: list[Any] = []

    async def send(message: Any) -> None:
        sent.append(message)

    async def main() -> str | None:
        await RequestIdMiddleware(tell_id)({"type": "http", "headers": []}, None, send)  # type: ignore[arg-type]
        return current_request_id()

    assert asyncio.run(main()) is None
    assert sent[0]["status"] == 200


def test_the_id_stays_set_for_the_log_of_an_exception_that_left() -> None:
    seen: list[str | None] = []

    async def main() -> None:
        scope = {"type": "http", "headers": [(b"x-request-id", b"failing-1")]}
        with pytest.raises(RuntimeError):
            await RequestIdMiddleware(broken)(scope, None, None)  # type: ignore[arg-type]
        seen.append(current_request_id())  # where the server logs the traceback

    asyncio.run(main())
    assert seen == ["failing-1"]


def test_concurrent_requests_see_their_own_ids() -> None:
    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        before = current_request_id()
        await asyncio.sleep(0.01)
        assert current_request_id() == before == scope[REQUEST_ID_SCOPE_KEY]
        await PlainTextResponse(before or "")(scope, receive, send)

    app = RequestIdMiddleware(slow)

    async def one(index: int) -> bytes:
        sent: list[Any] = []

        async def send(message: Any) -> None:
            sent.append(message)

        scope = {"type": "http", "headers": [(b"x-request-id", f"r{index}".encode())]}
        await app(scope, None, send)  # type: ignore[arg-type]
        return bytes(sent[1]["body"])

    async def main() -> list[bytes]:
        return await asyncio.gather(*(one(i) for i in range(20)))

    assert asyncio.run(main()) == [f"r{i}".encode() for i in range(20)]


def test_the_log_filter(caplog: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("test_requestid")

    async def logs(scope: Scope, receive: Receive, send: Send) -> None:
        log.warning("inside")
        log.warning("explicit", extra={"request_id": "given"})
        await PlainTextResponse("ok")(scope, receive, send)

    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, "test_requestid"):
        log.warning("outside")
        TestClient(RequestIdMiddleware(logs)).get("/", headers={"X-Request-ID": "log-1"})
    assert [(r.getMessage(), r.request_id) for r in caplog.records] == [  # type: ignore[attr-defined]
        ("outside", "-"),
        ("inside", "log-1"),
        ("explicit", "given"),
    ]


async def ws_app(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    await send({"type": "websocket.accept", "headers": [(b"x-other", b"1")]})
    await send({"type": "websocket.send", "text": current_request_id()})
    await send({"type": "websocket.close"})


def test_websocket_accept_carries_the_id() -> None:
    client = TestClient(RequestIdMiddleware(ws_app))
    with client.websocket_connect("/", headers={"X-Request-ID": "ws-1"}) as session:
        assert session.receive_text() == "ws-1"
        assert (b"x-request-id", b"ws-1") in session.extra_headers
        assert (b"x-other", b"1") in session.extra_headers


def test_a_websocket_denial_response_carries_the_id() -> None:
    async def deny(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await send({"type": "websocket.http.response.start", "status": 403, "headers": []})
        await send({"type": "websocket.http.response.body", "body": b"no"})

    scope = {"type": "websocket", "headers": [(b"x-request-id", b"deny-1")]}
    sent = run(RequestIdMiddleware(deny), scope, [{"type": "websocket.connect"}])
    assert sent[0]["headers"] == [(b"x-request-id", b"deny-1")]
    assert sent[1] == {"type": "websocket.http.response.body", "body": b"no"}


def test_lifespan_passes_untouched() -> None:
    scope: dict[str, Any] = {"type": "lifespan"}
    sent = run(
        RequestIdMiddleware(lifespan_app),
        scope,
        [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}],
    )
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert REQUEST_ID_SCOPE_KEY not in scope


@pytest.mark.parametrize(("accept", "places"), [("text/html", 2), ("text/plain", 1)])
def test_the_debug_page_outside_shows_the_id(accept: str, places: int) -> None:
    app = ServerErrorMiddleware(RequestIdMiddleware(broken), debug=True)  # as an App stacks them
    client = TestClient(app, raise_server_exceptions=False)
    response = client.get("/x", headers={"X-Request-ID": "dbg-1", "Accept": accept})
    assert response.status_code == 500
    # The page's top line, and the text the HTML page offers to copy (the text page's first).
    assert response.text.count("GET http://testserver/x (request id dbg-1)") == places
    assert "500 Server Error for GET http://testserver/x (request id dbg-1)" in response.text
    assert "x-request-id" not in response.headers  # the error layer answered, outside us


def test_wrapped_outermost_the_500_carries_the_id_too() -> None:
    app = RequestIdMiddleware(ServerErrorMiddleware(broken, debug=True))
    response = TestClient(app, raise_server_exceptions=False).get(
        "/", headers={"X-Request-ID": "o-1"}
    )
    assert (response.status_code, response.headers["x-request-id"]) == (500, "o-1")
    assert "(request id o-1)" in response.text


def test_the_debug_page_without_a_request_id() -> None:
    response = TestClient(
        ServerErrorMiddleware(broken, debug=True), raise_server_exceptions=False
    ).get("/x")
    assert "request id" not in response.text
