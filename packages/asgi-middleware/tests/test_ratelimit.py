"""RateLimitMiddleware with the memory store, on a fake clock."""

from __future__ import annotations

from typing import Any

import pytest
from mw_apps import echo_scope, lifespan_app, run, text_app

from asgi_middleware import (
    MemoryStore,
    ProxyHeadersMiddleware,
    RateLimitMiddleware,
    RateLimitStoreError,
)
from asgi_protocol.exceptions import WebSocketDisconnect
from asgi_protocol.types import Receive, Scope, Send
from asgi_testclient import TestClient


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limited(limit: int = 2, window: int = 10, **kwargs: Any) -> tuple[TestClient, Clock]:
    clock = Clock()
    kwargs.setdefault("store", MemoryStore(clock=clock))
    app = RateLimitMiddleware(text_app(), limit, window, clock=clock, **kwargs)
    return TestClient(app), clock


def test_limit_then_429_with_retry_after_and_headers() -> None:
    client, clock = limited(limit=2, window=10)
    first = client.get("/")
    assert (first.status_code, first.text) == (200, "hello")
    assert first.headers["ratelimit-policy"] == '"default";q=2;w=10'
    assert first.headers["ratelimit"] == '"default";r=1;t=10'
    clock.now += 3.5
    assert client.get("/").headers["ratelimit"] == '"default";r=0;t=7'
    refused = client.get("/")
    assert (refused.status_code, refused.text) == (429, "Too Many Requests")
    assert refused.headers["retry-after"] == "7"
    assert refused.headers["ratelimit"] == '"default";r=0;t=7'
    assert refused.headers["ratelimit-policy"] == '"default";q=2;w=10'
    clock.now += 6.5  # the window is over: a new one opens
    assert client.get("/").headers["ratelimit"] == '"default";r=1;t=10'


class EndingStore:
    """A store whose window ends this very moment (a Redis PTTL of 0)."""

    async def hit(self, key: str, window: int) -> tuple[int, float]:
        return 5, 0.0


def test_retry_after_is_at_least_one_second() -> None:
    client, clock = limited(limit=1, window=10)
    client.get("/")
    clock.now += 9.9999
    refused = client.get("/")
    assert (refused.status_code, refused.headers["retry-after"]) == (429, "1")
    ending = TestClient(RateLimitMiddleware(text_app(), 1, store=EndingStore())).get("/")
    assert (ending.status_code, ending.headers["retry-after"]) == (429, "1")


def test_headers_can_be_left_out() -> None:
    client, _ = limited(limit=1, headers=False)
    assert "ratelimit" not in client.get("/").headers
    refused = client.get("/")
    assert refused.status_code == 429
    assert "ratelimit" not in refused.headers
    assert refused.headers["retry-after"] == "10"


def test_keys_by_client_address() -> None:
    clock = Clock()
    app = RateLimitMiddleware(echo_scope, 1, store=MemoryStore(clock=clock))
    assert TestClient(app, client=("10.0.0.1", 1)).get("/").status_code == 200
    assert TestClient(app, client=("10.0.0.1", 2)).get("/").status_code == 429
    assert TestClient(app, client=("10.0.0.2", 1)).get("/").status_code == 200


def test_proxy_headers_in_front_give_the_real_client() -> None:
    app = ProxyHeadersMiddleware(RateLimitMiddleware(echo_scope, 1), trusted_hosts="10.0.0.9")
    proxy = TestClient(app, client=("10.0.0.9", 1))
    assert proxy.get("/", headers={"x-forwarded-for": "1.1.1.1"}).text.split()[1] == "1.1.1.1"
    assert proxy.get("/", headers={"x-forwarded-for": "2.2.2.2"}).status_code == 200
    assert proxy.get("/", headers={"x-forwarded-for": "1.1.1.1"}).status_code == 429


def test_key_callable_and_none_is_not_limited() -> None:
    def by_token(scope: Scope) -> str | None:
        token = dict(scope["headers"]).get(b"x-token")
        return token.decode() if token else None

    client, _ = limited(limit=1, key=by_token)
    assert client.get("/", headers={"x-token": "a"}).status_code == 200
    assert client.get("/", headers={"x-token": "a"}).status_code == 429
    assert client.get("/", headers={"x-token": "b"}).status_code == 200
    for _ in range(3):
        response = client.get("/")
        assert response.status_code == 200
        assert "ratelimit" not in response.headers


def test_no_client_is_not_limited() -> None:
    app = RateLimitMiddleware(text_app(), 1)
    for _ in range(3):
        assert run(app, {"type": "http", "client": None})[0]["status"] == 200


def test_two_limiters_sharing_a_store_keep_apart_by_name() -> None:
    store = MemoryStore()
    inner = RateLimitMiddleware(text_app(), 1, store=store, name="inner")
    outer = TestClient(RateLimitMiddleware(inner, 2, store=store, name="outer"))
    response = outer.get("/")
    assert response.status_code == 200
    assert response.headers.get_list("ratelimit") == ['"inner";r=0;t=60', '"outer";r=1;t=60']
    assert outer.get("/").status_code == 429  # the inner one's
    assert outer.get("/").status_code == 429  # the outer one's
    assert len(store) == 2


def test_lifespan_passes_through() -> None:
    with TestClient(RateLimitMiddleware(lifespan_app, 1)):
        pass


class FailingStore:
    async def hit(self, key: str, window: int) -> tuple[int, float]:
        raise RateLimitStoreError("down")


def test_failing_store_allows_by_default() -> None:
    client = TestClient(RateLimitMiddleware(text_app(), 1, store=FailingStore()))
    for _ in range(3):
        response = client.get("/")
        assert response.status_code == 200
        assert "ratelimit" not in response.headers


def test_failing_store_denies_when_asked() -> None:
    app = RateLimitMiddleware(ws_echo, 1, store=FailingStore(), on_error="deny")
    response = TestClient(app).get("/")
    assert (response.status_code, response.text) == (503, "Rate limit unavailable")
    assert response.headers["retry-after"] == "1"
    with pytest.raises(WebSocketDisconnect) as info, TestClient(app).websocket_connect("/"):
        pass  # pragma: no cover
    assert info.value.code == 1011


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"limit": 0}, "limit must be"),
        ({"limit": 1.5}, "limit must be"),
        ({"limit": True}, "limit must be"),
        ({"limit": 1, "window": 0}, "window must be"),
        ({"limit": 1, "message_limit": 0}, "message_limit must be"),
        ({"limit": 1, "name": 'a"b'}, "name must be"),
        ({"limit": 1, "name": ""}, "name must be"),
        ({"limit": 1, "on_error": "maybe"}, "on_error must be"),
    ],
)
def test_bad_settings(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RateLimitMiddleware(text_app(), **kwargs)


def test_memory_store_bad_size() -> None:
    with pytest.raises(ValueError, match="max_keys must be at least 1"):
        MemoryStore(max_keys=0)


async def test_memory_store_stays_bounded_and_drops_expired_first() -> None:
    clock = Clock()
    store = MemoryStore(max_keys=3, clock=clock)
    for key in "abc":
        assert await store.hit(key, 10) == (1, 10.0)
    assert await store.hit("a", 10) == (2, 10.0)
    assert await store.hit("d", 10) == (1, 10.0)  # full: the oldest live window (a) goes
    assert list(store.windows) == ["b", "c", "d"]
    assert await store.hit("a", 10) == (1, 10.0)
    clock.now += 10  # all expired: the next new key clears them
    assert await store.hit("e", 5) == (1, 5.0)
    assert list(store.windows) == ["e"]
    clock.now += 5
    assert await store.hit("e", 5) == (1, 5.0)  # its own expired window, reopened
    assert len(store) == 1


async def ws_echo(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "http":
        await text_app()(scope, receive, send)
        return
    assert (await receive())["type"] == "websocket.connect"
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            await send({"type": "websocket.send", "text": "after close"})  # dropped
            return
        await send({"type": "websocket.send", "text": message["text"]})


def test_websocket_connects_over_the_limit_are_refused() -> None:
    client = TestClient(RateLimitMiddleware(ws_echo, 1))
    with client.websocket_connect("/") as ws:
        ws.send_text("hi")
        assert ws.receive_text() == "hi"
    with pytest.raises(WebSocketDisconnect) as info, client.websocket_connect("/"):
        pass  # pragma: no cover
    assert (info.value.code, info.value.reason) == (1008, "Too Many Requests")


def test_websocket_messages_over_the_limit_close_1008() -> None:
    clock = Clock()
    app = RateLimitMiddleware(ws_echo, 10, 5, message_limit=2, clock=clock)
    with TestClient(app).websocket_connect("/") as ws:
        for text in ("1", "2"):
            ws.send_text(text)
            assert ws.receive_text() == text
        clock.now += 5  # a new window: two more
        for text in ("3", "4"):
            ws.send_text(text)
            assert ws.receive_text() == text
        ws.send_text("5")
        closed = ws.receive()
    assert closed == {"type": "websocket.close", "code": 1008, "reason": "Too Many Messages"}


def test_websocket_sends_after_the_limits_close_are_dropped() -> None:
    connect = {"type": "websocket.connect"}
    texts = [{"type": "websocket.receive", "text": t} for t in "ab"]
    app = RateLimitMiddleware(ws_echo, 10, message_limit=1)
    sent = run(app, {"type": "websocket", "client": ("1.2.3.4", 1)}, [connect, *texts])
    assert sent == [
        {"type": "websocket.accept"},
        {"type": "websocket.send", "text": "a"},
        {"type": "websocket.close", "code": 1008, "reason": "Too Many Messages"},
    ]


def test_websocket_without_message_limit_is_not_wrapped() -> None:
    with TestClient(RateLimitMiddleware(ws_echo, 10)).websocket_connect("/") as ws:
        for text in map(str, range(20)):
            ws.send_text(text)
            assert ws.receive_text() == text
