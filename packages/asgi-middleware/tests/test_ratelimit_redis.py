"""RedisStore against a real redis-server on loopback, started by these tests."""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest

# conftest.py starts the redis-server (redis_url) and puts asgi-broadcast's helpers on the path.
from broadcast_servers import free_port
from redis.asyncio import Redis

from asgi_middleware import RateLimitMiddleware, RateLimitStoreError
from asgi_middleware.ratelimit_redis import RedisStore


@pytest.fixture
async def store(redis_url: str) -> AsyncIterator[RedisStore]:
    store = RedisStore(redis_url)
    await store.client.flushall()
    yield store
    await store.aclose()


async def call(app: Any, client: str = "10.0.0.1") -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "client": (client, 1)}
    await app(scope, receive, send)
    return sent


async def ok(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


async def test_counts_in_one_window_with_the_servers_clock(store: RedisStore) -> None:
    assert await store.hit("k", 60) == (1, 60.0)
    hits, left = await store.hit("k", 60)
    assert hits == 2
    assert 59 < left <= 60
    assert 59_000 < await store.client.pttl("ratelimit:k") <= 60_000


async def test_one_script_call_per_request(store: RedisStore) -> None:
    app = RateLimitMiddleware(ok, 3, store=store)
    await call(app)  # loads the script
    await store.client.config_resetstat()
    statuses = [(await call(app))[0]["status"] for _ in range(4)]
    assert statuses == [200, 200, 429, 429]
    stats = await store.client.info("commandstats")
    calls = {name: value["calls"] for name, value in stats.items()}
    assert calls.pop("cmdstat_evalsha") == 4
    # Redis counts the script's own commands too; nothing else came from the client.
    assert calls.pop("cmdstat_incr") == 4
    assert calls.pop("cmdstat_pttl") == 4
    assert set(calls) <= {"cmdstat_config|resetstat", "cmdstat_info"}


async def test_script_flushed_is_loaded_again(store: RedisStore) -> None:
    await store.hit("k", 60)
    await store.client.script_flush()
    assert (await store.hit("k", 60))[0] == 2


async def test_key_without_expiry_gets_one(store: RedisStore) -> None:
    await store.client.set("ratelimit:k", 5)
    hits, left = await store.hit("k", 30)
    assert (hits, left) == (6, 30.0)
    assert await store.client.pttl("ratelimit:k") > 0


async def test_prefix_and_a_client_of_ones_own(redis_url: str) -> None:
    store = RedisStore(client=Redis.from_url(redis_url), prefix="app1:")
    try:
        await store.client.flushall()
        await store.hit("k", 60)
        assert await store.client.keys() == [b"app1:k"]
    finally:
        await store.aclose()


async def test_unreachable_redis_logs_once_and_recovers(
    store: RedisStore, caplog: pytest.LogCaptureFixture
) -> None:
    working = store.script
    store.script = RedisStore(f"redis://127.0.0.1:{free_port()}").script
    caplog.set_level(logging.WARNING, "asgi_middleware.ratelimit")
    for _ in range(2):
        with pytest.raises(RateLimitStoreError, match="Redis did not answer"):
            await store.hit("k", 60)
    assert (await call(RateLimitMiddleware(ok, 1, store=store)))[0]["status"] == 200
    denying = RateLimitMiddleware(ok, 1, store=store, on_error="deny")
    assert (await call(denying))[0]["status"] == 503
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "rate limit store unavailable"
    ]
    store.script = working
    assert await store.hit("k", 60) == (1, 60.0)
    assert caplog.records[-1].getMessage() == "rate limit store available again"
    assert (await store.hit("k", 60))[0] == 2
    assert len(caplog.records) == 2  # no further line while it works


def test_import_without_redis_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis.asyncio", None)
    monkeypatch.delitem(sys.modules, "asgi_middleware.ratelimit_redis")
    with pytest.raises(ImportError, match=r"pip install 'asgi-middleware\[redis\]'"):
        importlib.import_module("asgi_middleware.ratelimit_redis")
