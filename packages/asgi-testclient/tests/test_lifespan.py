"""`with TestClient(app)` runs the lifespan: startup, shutdown, state, and failures."""

from __future__ import annotations

from typing import Any

import pytest
from testclient_apps import read_body, send_response

from asgi_lifetime import LifespanDriver
from asgi_protocol.types import ASGIApp, Receive, Scope, Send
from asgi_testclient import (
    LifespanError,
    LifespanNotSupported,
    LifespanProtocolError,
    LifespanShutdownFailed,
    LifespanStartupFailed,
    TestClient,
)


class Recorder:
    """A lifespan-aware app that logs each phase and fills the lifespan state."""

    def __init__(self) -> None:
        self.events: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                self.events.append(message["type"])
                if message["type"] == "lifespan.startup":
                    scope["state"]["db"] = "connected"
                    scope["state"]["counter"] = []
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        await read_body(receive)
        scope["state"]["db"] = "changed by a request"
        scope["state"]["counter"].append(1)
        await send_response(send, str(len(scope["state"]["counter"])).encode())


def test_startup_and_shutdown_around_the_block() -> None:
    app = Recorder()
    with TestClient(app) as client:
        assert app.events == ["lifespan.startup"]
        assert client.get("/").text == "1"
        assert client.app_state["db"] == "connected"  # the request's copy is shallow
        assert client.get("/").text == "2"  # ... but shares the objects inside
    assert app.events == ["lifespan.startup", "lifespan.shutdown"]


def test_no_lifespan_without_with() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        assert scope["state"] == {}
        await send_response(send, b"ok")

    client = TestClient(app)
    try:
        assert client.get("/").text == "ok"
    finally:
        client.close()


async def http_only(scope: Scope, receive: Receive, send: Send) -> None:
    """An app that knows nothing of lifespan: it answers every scope like a request."""
    await send_response(send, b"served")


def test_an_app_that_does_not_speak_lifespan_at_all_is_tolerated() -> None:
    with TestClient(http_only) as client:
        assert client.get("/").text == "served"
        assert client.app_state == {}


class Broken(Exception):
    pass


async def raises_at_once(scope: Scope, receive: Receive, send: Send) -> None:
    raise Broken("before any lifespan message")  # a middleware that crashes on lifespan


async def raises_in_startup(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    raise Broken("while starting")


@pytest.mark.parametrize("app", [raises_at_once, raises_in_startup])
def test_what_the_app_raises_comes_out_as_it_is(app: ASGIApp) -> None:
    client = TestClient(app)
    with pytest.raises(Broken), client:
        pass  # pragma: no cover
    assert not client.portal.running


def swallowing(app: ASGIApp) -> ASGIApp:
    """A middleware that forgets to pass non-HTTP scopes on."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await app(scope, receive, send)

    return middleware


def test_returning_without_answering_is_an_error() -> None:
    with (
        pytest.raises(LifespanNotSupported, match="returned without answering"),
        TestClient(swallowing(Recorder())),
    ):
        pass  # pragma: no cover
    assert issubclass(LifespanNotSupported, LifespanError)


async def failing_startup(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    await send({"type": "lifespan.startup.failed", "message": "no database"})
    raise ConnectionError("no database")


def test_startup_failure_raises_the_apps_exception() -> None:
    client = TestClient(failing_startup)
    with pytest.raises(ConnectionError, match="no database"), client:
        pass  # pragma: no cover
    assert not client.portal.running


async def failing_startup_then_hanging(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    await send({"type": "lifespan.startup.failed", "message": "no database"})
    await receive()  # never comes: the test client does not wait for it long


def test_startup_failure_without_a_following_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LifespanDriver, "failure_grace", 0.01)
    with (
        pytest.raises(LifespanStartupFailed, match=r"startup failed: no database$"),
        TestClient(failing_startup_then_hanging),
    ):
        pass  # pragma: no cover


async def failing_shutdown(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    await send({"type": "lifespan.startup.complete"})
    await receive()
    await send({"type": "lifespan.shutdown.failed", "message": "could not flush"})


def test_shutdown_failure_is_raised_with_its_message() -> None:
    client = TestClient(failing_shutdown)
    with pytest.raises(LifespanShutdownFailed, match="shutdown failed: could not flush"), client:
        pass
    assert not client.portal.running


async def crashing_shutdown(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    await send({"type": "lifespan.startup.complete"})
    await receive()
    raise OSError("crash on shutdown")


async def returning_at_shutdown(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    await send({"type": "lifespan.startup.complete"})
    await receive()


async def wrong_reply(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    await send({"type": "lifespan.shutdown.complete"})


@pytest.mark.parametrize(
    ("app", "error", "match"),
    [
        (crashing_shutdown, OSError, "crash on shutdown"),
        (returning_at_shutdown, LifespanProtocolError, "without answering 'lifespan.shutdown'"),
    ],
)
def test_shutdown_errors(app: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match), TestClient(app):
        pass


def test_wrong_lifespan_reply_is_a_protocol_error() -> None:
    with (
        pytest.raises(
            LifespanProtocolError, match=r"'lifespan\.shutdown\.complete' during lifespan startup"
        ),
        TestClient(wrong_reply),
    ):
        pass  # pragma: no cover


def test_each_with_block_starts_a_fresh_state() -> None:
    app = Recorder()
    client = TestClient(app)
    with client:
        client.app_state["leftover"] = True
        assert client.get("/").text == "1"
    with client:
        assert "leftover" not in client.app_state
        assert client.get("/").text == "1"
    assert app.events == ["lifespan.startup", "lifespan.shutdown"] * 2
