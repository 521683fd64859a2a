"""`with TestClient(app)` runs the lifespan: startup, shutdown, state, and failures."""

from __future__ import annotations

from typing import Any

import pytest
from testclient_apps import read_body, send_response

from asgi_protocol.types import Receive, Scope, Send
from asgi_testclient import ASGIProtocolError, LifespanError, TestClient
from asgi_testclient._lifespan import LifespanRunner


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


async def unsupported_raises(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        raise ValueError("http only")
    await send_response(send, b"served")


async def unsupported_returns(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "http":
        await send_response(send, b"served")


@pytest.mark.parametrize("app", [unsupported_raises, unsupported_returns])
def test_apps_without_lifespan_are_tolerated(app: Any) -> None:
    with TestClient(app) as client:
        assert client.get("/").text == "served"


async def failing_startup(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    await send({"type": "lifespan.startup.failed", "message": "no database"})
    raise ConnectionError("no database")


def test_startup_failure_is_raised_with_its_message() -> None:
    client = TestClient(failing_startup)
    with pytest.raises(LifespanError, match="startup failed: no database") as info, client:
        pass
    assert not client.portal.running
    assert isinstance(info.value.__cause__, ConnectionError)


async def failing_startup_then_hanging(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    await send({"type": "lifespan.startup.failed"})
    await receive()  # never comes: the test client does not wait for it long


def test_startup_failure_without_a_following_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LifespanRunner, "failure_grace", 0.01)
    with (
        pytest.raises(LifespanError, match=r"startup failed: $") as info,
        TestClient(failing_startup_then_hanging),
    ):
        pass
    assert info.value.__cause__ is None


async def failing_shutdown(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    await send({"type": "lifespan.startup.complete"})
    await receive()
    await send({"type": "lifespan.shutdown.failed", "message": "could not flush"})


def test_shutdown_failure_is_raised_with_its_message() -> None:
    client = TestClient(failing_shutdown)
    with pytest.raises(LifespanError, match="shutdown failed: could not flush") as info, client:
        pass
    assert not client.portal.running
    assert info.value.__cause__ is None  # the app returned after reporting


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
        (returning_at_shutdown, ASGIProtocolError, "without 'lifespan.shutdown.complete'"),
    ],
)
def test_shutdown_errors(app: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match), TestClient(app):
        pass


def test_wrong_lifespan_reply_is_a_protocol_error() -> None:
    with (
        pytest.raises(
            ASGIProtocolError, match=r"'lifespan\.shutdown\.complete' during lifespan\.startup"
        ),
        TestClient(wrong_reply),
    ):
        pass


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
