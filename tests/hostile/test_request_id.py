"""Hostile request ids: whatever a client sends as X-Request-ID, no header, log line or debug
page carries anything but a plain id, and every concurrent request keeps its own."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import re
from typing import Any

import pytest
from hostile_helpers import drive

from asgi_testclient import TestClient
from asgi_toolkit import App
from asgi_toolkit.background import BackgroundTask
from asgi_toolkit.middleware import Middleware
from asgi_toolkit.middleware.requestid import (
    RequestIdFilter,
    RequestIdMiddleware,
    current_request_id,
)
from asgi_toolkit.requests import Request
from asgi_toolkit.responses import PlainTextResponse
from asgi_toolkit.routing import Route

PLAIN = re.compile(r"[A-Za-z0-9._-]{1,128}")
log = logging.getLogger("hostile.request_id")

HOSTILE_IDS: list[bytes] = [
    b"a\r\nSet-Cookie: session=stolen",  # header injection
    b"ok\nFAKE 2024-01-01 ERROR admin logged in",  # a forged log line
    b"x" * 100_000,  # flooding every log line
    b"<script>alert(1)</script>",  # the debug page is HTML
    b"\x00\x01\x7f",
    "日本語".encode(),
    b"%0d%0a",
    b"a b",
    b"",
    b"../../etc/passwd",
]


async def logs_and_answers(request: Request) -> PlainTextResponse:
    log.warning("handling")
    return PlainTextResponse(current_request_id() or "")


async def fails(request: Request) -> PlainTextResponse:
    raise RuntimeError("boom")


def app(debug: bool = False) -> App:
    return App(
        debug=debug,
        routes=[Route("/", logs_and_answers), Route("/fail", fails)],
        middleware=[Middleware(RequestIdMiddleware)],
    )


def call(target: Any, path: str, headers: list[tuple[bytes, bytes]]) -> tuple[Any, bytes]:
    """One raw request (hostile_helpers.drive): the response start message and the body."""
    sent: list[Any] = []

    async def main() -> None:
        with contextlib.suppress(RuntimeError):  # the failing route: its page went out first
            await drive(target, path, [(b"host", b"testserver"), *headers], sent=sent)

    asyncio.run(main())
    return sent[0], b"".join(m.get("body", b"") for m in sent[1:])


@pytest.fixture
def log_text() -> Any:
    """The lines `hostile.request_id` writes with `%(request_id)s`, as a production log would."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(request_id)s %(message)s"))
    log.addHandler(handler)
    try:
        yield stream.getvalue
    finally:
        log.removeHandler(handler)


@pytest.mark.parametrize("hostile", HOSTILE_IDS, ids=lambda v: repr(v[:20]))
def test_a_hostile_id_is_replaced_everywhere(hostile: bytes, log_text: Any) -> None:
    start, body = call(app(), "/", [(b"x-request-id", hostile)])
    echoed = [value for name, value in start["headers"] if name == b"x-request-id"]
    assert len(echoed) == 1
    request_id = echoed[0].decode("latin-1")
    assert PLAIN.fullmatch(request_id)
    assert body.decode() == request_id
    assert b"set-cookie" not in dict(start["headers"])
    assert log_text() == f"{request_id} handling\n"  # one line, with the id we chose


@pytest.mark.parametrize("hostile", HOSTILE_IDS, ids=lambda v: repr(v[:20]))
def test_a_hostile_id_never_reaches_the_debug_page(hostile: bytes) -> None:
    start, body = call(
        app(debug=True), "/fail", [(b"x-request-id", hostile), (b"accept", b"text/html")]
    )
    assert start["status"] == 500
    page = body.decode()
    found = re.search(r"\(request id ([^)]*)\)", page)
    assert found is not None
    assert PLAIN.fullmatch(found.group(1))
    assert "<script>alert" not in page


def test_the_debug_page_of_an_app_names_the_id() -> None:
    client = TestClient(app(debug=True), raise_server_exceptions=False)
    page = client.get("/fail", headers={"X-Request-ID": "support-ticket-42"}).text
    assert page.startswith(
        "500 Server Error for GET http://testserver/fail (request id support-ticket-42)"
    )


def test_wrapping_the_app_puts_the_id_on_its_500_too() -> None:
    inner = App(routes=[Route("/fail", fails)])
    client = TestClient(RequestIdMiddleware(inner), raise_server_exceptions=False)
    response = client.get("/fail", headers={"X-Request-ID": "r-500"})
    assert (response.status_code, response.headers["x-request-id"]) == (500, "r-500")


def test_the_servers_log_of_a_crash_carries_the_id(log_text: Any) -> None:
    """What a server does: log the exception that left the app, in the same task."""

    async def serve() -> None:
        async def receive() -> Any:
            return {"type": "http.request", "body": b""}

        async def send(message: Any) -> None:
            pass

        scope = {
            "type": "http",
            "method": "GET",
            "path": "/fail",
            "headers": [(b"host", b"x"), (b"x-request-id", b"crash-7")],
            "query_string": b"",
        }
        try:
            await app()(scope, receive, send)
        except RuntimeError:
            log.exception("Exception in ASGI application")

    asyncio.run(serve())
    assert log_text().startswith("crash-7 Exception in ASGI application\n")


def test_concurrent_requests_never_see_each_others_ids() -> None:
    async def slow(request: Request) -> PlainTextResponse:
        mine = current_request_id()
        for _ in range(5):
            await asyncio.sleep(0)  # let the others run in between
            assert current_request_id() == mine
        return PlainTextResponse(mine or "")

    target = App(routes=[Route("/", slow)], middleware=[Middleware(RequestIdMiddleware)])

    async def one(index: int) -> tuple[str, str]:
        headers = [(b"host", b"x")] + (
            [(b"x-request-id", f"c-{index}".encode())] if index % 2 else []
        )
        sent = await drive(target, "/", headers)
        echoed = dict(sent[0]["headers"])[b"x-request-id"].decode()
        return echoed, sent[1]["body"].decode()

    async def main() -> list[tuple[str, str]]:
        return await asyncio.gather(*(one(i) for i in range(200)))

    results = asyncio.run(main())
    assert all(echoed == body for echoed, body in results)
    assert len({echoed for echoed, _ in results}) == 200
    assert [echoed for echoed, _ in results[1::2]] == [f"c-{i}" for i in range(1, 200, 2)]


def test_a_background_task_logs_with_the_requests_id(log_text: Any) -> None:
    async def later() -> None:
        log.warning("after the answer")

    async def with_task(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok", background=BackgroundTask(later))

    target = App(routes=[Route("/", with_task)], middleware=[Middleware(RequestIdMiddleware)])
    TestClient(target).get("/", headers={"X-Request-ID": "bg-1"})
    assert log_text() == "bg-1 after the answer\n"


def test_two_incoming_headers_cannot_smuggle_a_second_value() -> None:
    async def main() -> list[Any]:
        headers = [(b"host", b"x"), (b"x-request-id", b"first"), (b"x-request-id", b"second")]
        return await drive(app(), "/", headers)

    start = asyncio.run(main())[0]
    assert [v for k, v in start["headers"] if k == b"x-request-id"] == [b"first"]
