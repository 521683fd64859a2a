"""Handlers that hang, stall, swallow cancellation or run in threads, behind TimeoutMiddleware in an
App: the client gets a 504 on time, the handler is stopped (its cleanup runs), nothing is logged
as an error, and an answer already under way is never cut."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

import pytest
from hostile_helpers import drive

from asgi_testclient import TestClient
from asgi_toolkit import App
from asgi_toolkit.middleware import Middleware
from asgi_toolkit.middleware.base import BaseHTTPMiddleware
from asgi_toolkit.middleware.timeout import TimeoutMiddleware
from asgi_toolkit.requests import Request
from asgi_toolkit.responses import PlainTextResponse, Response, StreamingResponse
from asgi_toolkit.routing import Route

SHORT = 0.05
HANG = 30.0  # never waited for: every test here is over in well under a second
cleaned: list[str] = []


async def hangs(request: Request) -> PlainTextResponse:
    try:
        await asyncio.sleep(HANG)
    finally:
        await asyncio.sleep(0)
        cleaned.append(request.url.path)
    return PlainTextResponse("never")


async def quick(request: Request) -> PlainTextResponse:
    await asyncio.sleep(SHORT * 3)  # past the app's limit, within the route's
    return PlainTextResponse("quick enough")


async def streams(request: Request) -> StreamingResponse:
    async def body() -> Any:
        for part in (b"a", b"b", b"c"):
            await asyncio.sleep(SHORT)
            yield part

    return StreamingResponse(body())


finished = threading.Event()


def blocks(request: Request) -> PlainTextResponse:  # a sync endpoint: runs in a thread
    time.sleep(1)
    finished.set()
    return PlainTextResponse("from the thread")


def make_app(app_timeout: float = SHORT, *middleware: Middleware) -> App:
    return App(
        routes=[
            Route("/hangs", hangs),
            Route("/short", hangs, middleware=[Middleware(TimeoutMiddleware, timeout=SHORT / 2)]),
            Route("/longer", quick, middleware=[Middleware(TimeoutMiddleware, timeout=5)]),
            Route("/streams", streams),
            # Long enough for the thread to start (one that hasn't is never run at all).
            Route("/blocks", blocks, middleware=[Middleware(TimeoutMiddleware, timeout=0.3)]),
        ],
        middleware=[Middleware(TimeoutMiddleware, timeout=app_timeout), *middleware],
    )


@pytest.fixture(autouse=True)
def _fresh() -> None:
    cleaned.clear()
    finished.clear()


def timed_get(client: TestClient, path: str) -> tuple[Any, float]:
    began = time.monotonic()
    response = client.get(path)
    return response, time.monotonic() - began


def test_a_hanging_handler_is_cut_off_and_cleans_up(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        response, took = timed_get(TestClient(make_app()), "/hangs")
    assert (response.status_code, response.text) == (504, "Gateway Timeout")
    assert took < 2
    assert cleaned == ["/hangs"]
    assert [r.levelname for r in caplog.records if r.levelno >= logging.WARNING] == ["WARNING"]
    assert not any(r.exc_info for r in caplog.records)


def test_a_routes_shorter_limit_wins() -> None:
    response, took = timed_get(TestClient(make_app(app_timeout=10)), "/short")
    assert response.status_code == 504
    assert took < 2


def test_a_routes_longer_limit_wins() -> None:
    response = TestClient(make_app()).get("/longer")
    assert (response.status_code, response.text) == (200, "quick enough")


def test_a_stream_already_started_runs_past_the_limit() -> None:
    response = TestClient(make_app(app_timeout=SHORT / 2)).get("/streams")
    assert (response.status_code, response.content) == (200, b"abc")


def test_a_sync_handler_gets_its_504_on_time_and_its_thread_finishes() -> None:
    response, took = timed_get(TestClient(make_app()), "/blocks")
    assert response.status_code == 504
    assert took < 0.9  # before the thread is done
    assert not finished.is_set()
    assert finished.wait(5)  # the thread ran to its end; its answer went nowhere


def test_base_http_middleware_inside_cancels_its_task_too() -> None:
    async def dispatch(request: Request, call_next: Any) -> Response:
        return await call_next(request)  # the app runs in a task of its own

    app = make_app(SHORT, Middleware(BaseHTTPMiddleware, dispatch=dispatch))
    response = TestClient(app).get("/hangs")
    assert response.status_code == 504
    assert cleaned == ["/hangs"]


def test_a_flood_of_hanging_requests_all_get_504_and_leave_nothing_behind() -> None:
    app = make_app()

    async def one() -> int:
        sent = await drive(app, "/hangs", [(b"host", b"x")])
        return int(sent[0]["status"])

    async def main() -> tuple[list[int], int]:
        statuses = await asyncio.gather(*(one() for _ in range(300)))
        return statuses, len(asyncio.all_tasks()) - 1  # besides main itself

    statuses, left = asyncio.run(main())
    assert statuses == [504] * 300
    assert left == 0
    assert len(cleaned) == 300


def test_a_handler_whose_cleanup_fails_is_a_500_not_a_hang() -> None:
    async def bad_cleanup(request: Request) -> PlainTextResponse:
        try:
            await asyncio.sleep(HANG)
        finally:
            raise RuntimeError("cleanup failed")
        return PlainTextResponse("never")

    app = App(
        routes=[Route("/", bad_cleanup)],
        middleware=[Middleware(TimeoutMiddleware, timeout=SHORT)],
    )
    response = TestClient(app, raise_server_exceptions=False).get("/")
    assert response.status_code == 500
