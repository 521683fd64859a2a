"""RedisSessionStore against a real redis-server on loopback, started by these tests; the store
contract runs against MemorySessionStore too, so both behave alike."""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

# conftest.py starts the redis-server (redis_url) and puts asgi-broadcast's helpers on the path.
from broadcast_servers import free_port
from redis.asyncio import Redis

from asgi_middleware import MemorySessionStore, SessionMiddleware, SessionStoreError
from asgi_middleware.session_stores import SessionStore, new_session_id
from asgi_middleware.sessions import Signer
from asgi_middleware.sessions_redis import RedisSessionStore


@pytest.fixture
async def redis_store(redis_url: str) -> AsyncIterator[RedisSessionStore]:
    store = RedisSessionStore(redis_url, index_key="user_id")
    await store.client.flushall()
    yield store
    await store.aclose()


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest, redis_url: str) -> AsyncIterator[SessionStore]:
    if request.param == "memory":
        yield MemorySessionStore(index_key="user_id")
        return
    redis_store = RedisSessionStore(redis_url, index_key="user_id")
    await redis_store.client.flushall()
    yield redis_store
    await redis_store.aclose()


# The contract, for both stores.


async def test_save_load_revoke(store: SessionStore) -> None:
    session_id = new_session_id()
    assert await store.load(session_id) is None
    assert await store.save(session_id, {"a": [1, "é"]}, 60, None) is True
    assert await store.load(session_id) == {"a": [1, "é"]}
    assert await store.save(session_id, {"a": 2}, 60, session_id) is True
    assert await store.load(session_id) == {"a": 2}
    await store.revoke(session_id)
    assert await store.load(session_id) is None
    await store.revoke(session_id)  # again: no error
    assert await store.save(session_id, {"a": 3}, 60, session_id) is False  # revoked: stays so
    assert await store.load(session_id) is None


async def test_rotation_moves_the_data_and_the_index(store: SessionStore) -> None:
    old, new = new_session_id(), new_session_id()
    await store.save(old, {"user_id": "ada"}, 60, None)
    assert await store.save(new, {"user_id": "ada"}, 60, old) is True
    assert await store.load(old) is None
    assert await store.load(new) == {"user_id": "ada"}
    assert await store.revoke_user("ada") == 1
    assert await store.load(new) is None
    assert await store.save(new_session_id(), {}, 60, old) is False  # from a dead id: nothing


async def test_revoke_user_takes_only_that_users_sessions(store: SessionStore) -> None:
    ada = [new_session_id() for _ in range(3)]
    bob = new_session_id()
    for session_id in ada:
        await store.save(session_id, {"user_id": "ada"}, 60, None)
    await store.save(bob, {"user_id": "bob"}, 60, None)
    anonymous = new_session_id()
    await store.save(anonymous, {"cart": 1}, 60, None)
    await store.revoke(ada[0])
    # ada[1] logs out of ada and into 42 (an int: the same owner as "42")
    await store.save(ada[1], {"user_id": 42}, 60, ada[1])
    assert await store.revoke_user("ada") == 1
    assert await store.load(ada[2]) is None
    assert await store.load(bob) == {"user_id": "bob"}
    assert await store.load(anonymous) == {"cart": 1}
    assert await store.revoke_user("42") == 1
    assert await store.load(ada[1]) is None
    assert await store.revoke_user("nobody") == 0


async def test_a_session_that_drops_its_owner_leaves_the_index(store: SessionStore) -> None:
    session_id = new_session_id()
    await store.save(session_id, {"user_id": "ada"}, 60, None)
    await store.save(session_id, {"cart": 1}, 60, session_id)  # logged out, kept the cart
    assert await store.revoke_user("ada") == 0
    assert await store.load(session_id) == {"cart": 1}


async def test_values_json_cannot_hold_raise_and_store_nothing(store: SessionStore) -> None:
    session_id = new_session_id()
    with pytest.raises(TypeError):
        await store.save(session_id, {"a": object()}, 60, None)
    with pytest.raises(TypeError, match="str or an int"):
        await store.save(session_id, {"user_id": 1.5}, 60, None)
    assert await store.load(session_id) is None


# Redis itself.


async def test_entries_expire_by_the_servers_clock(redis_store: RedisSessionStore) -> None:
    session_id = new_session_id()
    await redis_store.save(session_id, {"user_id": "ada"}, 60, None)
    client = redis_store.client
    assert 58 <= await client.ttl(f"session:{session_id}") <= 60
    assert 58 <= await client.ttl("session:index:user_id:ada") <= 60
    await redis_store.save(session_id, {"user_id": "ada"}, 30, session_id)
    assert 28 <= await client.ttl(f"session:{session_id}") <= 30
    assert await client.ttl("session:index:user_id:ada") > 30  # the index outlives its sessions
    await client.pexpire(f"session:{session_id}", 20)
    await asyncio.sleep(0.1)
    assert await redis_store.load(session_id) is None
    assert await redis_store.save(session_id, {"a": 1}, 60, session_id) is False


async def test_expired_members_leave_the_index(redis_store: RedisSessionStore) -> None:
    first, second = new_session_id(), new_session_id()
    await redis_store.save(first, {"user_id": "ada"}, 60, None)
    await redis_store.client.delete(f"session:{first}")  # as if it expired
    await redis_store.save(second, {"user_id": "ada"}, 60, None)
    members = await redis_store.client.smembers("session:index:user_id:ada")
    assert members == {second.encode()}


async def test_the_index_follows_owners_and_is_checked_before_revoking(
    redis_store: RedisSessionStore,
) -> None:
    client = redis_store.client
    session_id, bobs = new_session_id(), new_session_id()
    await redis_store.save(session_id, {"user_id": "ada"}, 60, None)
    await redis_store.save(session_id, {"user_id": "bob"}, 60, session_id)
    assert await client.smembers("session:index:user_id:ada") == set()
    assert await client.smembers("session:index:user_id:bob") == {session_id.encode()}
    # A member left in the wrong set (by hand, or a crash between versions) is not revoked.
    await redis_store.save(bobs, {"user_id": "bob"}, 60, None)
    await client.sadd("session:index:user_id:ada", bobs)
    assert await redis_store.revoke_user("ada") == 0
    assert await redis_store.load(bobs) == {"user_id": "bob"}


async def test_one_round_trip_to_load_and_one_to_save(redis_store: RedisSessionStore) -> None:
    session_id = new_session_id()
    await redis_store.save(session_id, {"user_id": "ada"}, 60, None)  # loads the script
    app = SessionMiddleware(writing_app, "k", store=redis_store)
    await redis_store.client.config_resetstat()
    sent = await call(app, "/", session_id)
    assert "set-cookie" not in dict(sent[0]["headers"])
    await call(app, "/write", session_id)
    stats = await redis_store.client.info("commandstats")
    calls = {name.removeprefix("cmdstat_"): value["calls"] for name, value in stats.items()}
    assert calls.pop("hget") == 2 + 1  # two loads; the script's own look at the owner
    assert calls.pop("evalsha") == 1
    # Redis counts the script's own commands too; nothing else came from the client.
    assert set(calls) <= {
        *("exists", "del", "hset", "expire", "sadd", "ttl"),
        *("config|resetstat", "info"),
    }


async def test_the_middleware_rotates_and_revokes_through_redis(
    redis_store: RedisSessionStore,
) -> None:
    app = SessionMiddleware(writing_app, "k", store=redis_store)
    login = await call(app, "/login")
    session_id = cookie_id(login)
    assert await redis_store.load(session_id) == {"user_id": "ada"}
    rotated = cookie_id(await call(app, "/rotate", session_id))
    assert rotated != session_id
    assert await redis_store.load(session_id) is None
    assert await redis_store.revoke_user("ada") == 1
    assert json.loads((await call(app, "/", rotated))[1]["body"]) == {}


async def test_non_json_or_non_object_in_the_store_reads_as_empty(
    redis_store: RedisSessionStore, caplog: pytest.LogCaptureFixture
) -> None:
    session_id = new_session_id()
    caplog.set_level(logging.WARNING, "asgi_middleware.sessions")
    for stored in (b"not json", b"\xff\xfe", b"[1, 2]"):
        await redis_store.client.hset(f"session:{session_id}", "data", stored)
        assert await redis_store.load(session_id) is None
    assert caplog.messages == 3 * [
        "a stored session is not a JSON object: read as an empty session"
    ]


async def test_a_key_of_the_wrong_type_is_a_store_error(redis_store: RedisSessionStore) -> None:
    session_id = new_session_id()
    await redis_store.client.set(f"session:{session_id}", "a string, not a hash")
    with pytest.raises(SessionStoreError, match="Redis failed: ResponseError: WRONGTYPE"):
        await redis_store.load(session_id)


async def test_unreachable_redis_raises_a_store_error_everywhere(redis_url: str) -> None:
    down = RedisSessionStore(f"redis://127.0.0.1:{free_port()}", index_key="user_id")
    session_id = new_session_id()
    calls = (
        down.load(session_id),
        down.save(session_id, {"user_id": "ada"}, 60, None),
        down.revoke(session_id),
        down.revoke_user("ada"),
    )
    for pending in calls:
        with pytest.raises(SessionStoreError, match="Redis failed: ConnectionError"):
            await pending
    app = SessionMiddleware(writing_app, "k", store=down)
    with pytest.raises(SessionStoreError):
        await call(app, "/", session_id)
    await down.aclose()


async def test_script_flushed_is_loaded_again(redis_store: RedisSessionStore) -> None:
    session_id = new_session_id()
    await redis_store.save(session_id, {"a": 1}, 60, None)
    await redis_store.client.script_flush()
    assert await redis_store.save(session_id, {"a": 2}, 60, session_id) is True
    assert await redis_store.load(session_id) == {"a": 2}


async def test_prefix_no_index_and_a_client_of_ones_own(redis_url: str) -> None:
    store = RedisSessionStore(client=Redis.from_url(redis_url, decode_responses=True), prefix="a:")
    try:
        await store.client.flushall()
        session_id = new_session_id()
        await store.save(session_id, {"user_id": "ada"}, 60, None)
        assert await store.client.keys() == [f"a:{session_id}"]  # no index_key: no index
        assert await store.load(session_id) == {"user_id": "ada"}
        assert await store.revoke_user("ada") == 0
    finally:
        await store.aclose()


def test_import_without_redis_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis.asyncio", None)
    monkeypatch.delitem(sys.modules, "asgi_middleware.sessions_redis")
    with pytest.raises(ImportError, match=r"pip install 'asgi-middleware\[redis\]'"):
        importlib.import_module("asgi_middleware.sessions_redis")


# Driving the middleware in the test's own loop (the Redis client belongs to it).


async def writing_app(scope: Any, receive: Any, send: Any) -> None:
    session = scope["session"]
    if scope["path"] == "/write":
        session["n"] = session.get("n", 0) + 1
    elif scope["path"] == "/login":
        session["user_id"] = "ada"
        session.rotate()
    elif scope["path"] == "/rotate":
        session.rotate()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": json.dumps(session).encode()})


async def call(app: Any, path: str, session_id: str | None = None) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    headers = []
    if session_id is not None:
        cookie = Signer("k").sign(session_id.encode(), int(time.time())).decode()
        headers.append((b"cookie", f"session={cookie}".encode()))
    await app({"type": "http", "method": "GET", "path": path, "headers": headers}, receive, send)
    return sent


def cookie_id(sent: list[dict[str, Any]]) -> str:
    set_cookie = dict(sent[0]["headers"])[b"set-cookie"].decode()
    value = set_cookie.split(";")[0].split("=", 1)[1]
    unsigned = Signer("k").unsign(value.encode(), None, time.time())
    assert unsigned is not None
    return unsigned.decode()
