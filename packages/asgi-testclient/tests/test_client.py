"""TestClient as a whole: construction, threads, and use from inside a running loop."""

from __future__ import annotations

import asyncio
import gc
import threading
from contextlib import closing

import pytest
import requests
from testclient_apps import echo_app, lifespan_echo, send_response

from asgi_protocol.types import Receive, Scope, Send
from asgi_testclient import TestClient


def portal_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "asgi-testclient-portal"]


def test_is_a_requests_session_not_a_pytest_class() -> None:
    client = TestClient(echo_app)
    assert isinstance(client, requests.Session)
    assert TestClient.__test__ is False
    assert client.headers["User-Agent"] == "testclient"
    assert client.base_url == "http://testserver"
    client.close()


@pytest.mark.parametrize("base_url", ["testserver", "ftp://testserver", "http://", "/path"])
def test_bad_base_url_is_refused(base_url: str) -> None:
    with pytest.raises(ValueError, match="base_url must be an absolute http"):
        TestClient(echo_app, base_url=base_url)


def test_no_thread_outlives_the_client() -> None:
    before = len(portal_threads())
    with TestClient(lifespan_echo) as client:
        client.get("/")
        assert len(portal_threads()) == before + 1  # the block's loop, shared
    assert len(portal_threads()) == before
    client = TestClient(echo_app)
    assert len(portal_threads()) == before
    client.get("/")
    assert len(portal_threads()) == before  # outside a block: a loop per request, then gone
    response = client.get("/", stream=True)
    assert len(portal_threads()) == before + 1  # ... kept while the response is read
    response.close()
    assert len(portal_threads()) == before
    client.close()


def test_an_unclosed_client_stops_its_thread_when_collected() -> None:
    before = len(portal_threads())
    client = TestClient(lifespan_echo).__enter__()
    client.get("/")
    assert len(portal_threads()) == before + 1
    del client
    gc.collect()
    for thread in portal_threads()[before:]:
        thread.join(timeout=5)
    assert len(portal_threads()) == before


def test_an_unclosed_streamed_response_stops_its_thread_when_collected() -> None:
    before = len(portal_threads())
    response = TestClient(echo_app).get("/", stream=True)
    assert len(portal_threads()) == before + 1
    del response
    gc.collect()
    for thread in portal_threads()[before:]:
        thread.join(timeout=5)
    assert len(portal_threads()) == before


def test_requests_outside_a_block_each_get_a_loop() -> None:
    loops: list[object] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        loops.append(asyncio.get_running_loop())
        await send_response(send)

    client = TestClient(app)
    client.get("/")
    client.get("/")
    assert loops[0] is not loops[1]


def test_one_loop_for_requests_and_lifespan() -> None:
    loops: list[object] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        loops.append(asyncio.get_running_loop())
        if scope["type"] == "lifespan":
            await receive()
            await send({"type": "lifespan.startup.complete"})
            await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        await send_response(send)

    with TestClient(app) as client:
        client.get("/")
        client.get("/")
    assert len(loops) == 3
    assert len(set(map(id, loops))) == 1


async def test_works_inside_a_running_loop() -> None:
    with closing(TestClient(echo_app)) as client:
        assert client.get("/inside").json()["scope"]["path"] == "/inside"


def test_exit_without_enter_only_closes() -> None:
    client = TestClient(echo_app)
    client.get("/")
    client.__exit__(None, None, None)
    assert not client.portal.running


def test_absolute_and_bytes_urls() -> None:
    with closing(TestClient(echo_app, base_url="http://testserver/base")) as client:
        assert client.get(b"/x").json()["scope"]["path"] == "/base/x"
        assert client.get("http://testserver/y?a=://").json()["scope"]["path"] == "/y"
        assert client.get("z?next=http://a").json()["scope"]["path"] == "/base/z"
