"""SessionMiddleware with a store: the cookie carries a signed random id, the store the data."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mw_apps import run

from asgi_middleware import MemorySessionStore, SessionMiddleware, SessionStoreError
from asgi_middleware.session_stores import SESSION_ID, new_session_id, owner_of
from asgi_middleware.sessions import BROWSER_SESSION_TTL, Session, Signer, StoredSession
from asgi_testclient import TestClient


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingStore(MemorySessionStore):
    """A MemorySessionStore that notes every call the middleware makes."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.calls: list[tuple[str, Any]] = []

    async def load(self, session_id: str) -> dict[str, Any] | None:
        self.calls.append(("load", session_id))
        return await super().load(session_id)

    async def save(
        self, session_id: str, data: Mapping[str, Any], ttl: int, previous_id: str | None
    ) -> bool:
        self.calls.append(("save", (session_id, ttl, previous_id)))
        return await super().save(session_id, data, ttl, previous_id)

    async def revoke(self, session_id: str) -> None:
        self.calls.append(("revoke", session_id))
        await super().revoke(session_id)


def app_for(store: MemorySessionStore) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        """/set?k=v stores, /login?user=u logs in (and rotates), /rotate, /clear, /revoke-me
        revokes its own session and then writes to it; every answer is {"id":..., "data":...}."""
        session = scope["session"]
        path = scope["path"]
        query = scope["query_string"].decode()
        if path == "/set":
            key, _, value = query.partition("=")
            session[key] = value
        elif path == "/login":
            session["user_id"] = query.partition("=")[2]
            session.rotate()
        elif path == "/rotate":
            session.rotate()
        elif path == "/clear":
            session.clear()
        elif path == "/revoke-me":
            await store.revoke(session.id)
            session["after"] = "revoked"
        elif path == "/replace":
            scope["session"] = {"replaced": True}
        elif path == "/datetime":
            session["when"] = time  # not JSON
        body = json.dumps({"id": session.id, "data": session}, sort_keys=True, default=str)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body.encode()})

    return app


def make(store: MemorySessionStore | None = None, **kwargs: Any) -> tuple[TestClient, Any]:
    store = CountingStore() if store is None else store
    middleware = SessionMiddleware(app_for(store), **{"secret_key": "k", "store": store, **kwargs})
    return TestClient(middleware), store


def cookie_id(set_cookie: str, key: str = "k") -> str:
    value = set_cookie.split(";")[0].split("=", 1)[1]
    unsigned = Signer(key).unsign(value.encode(), None, time.time())
    assert unsigned is not None
    return unsigned.decode()


def signed(session_id: str, key: str = "k", when: float | None = None) -> str:
    stamp = int(time.time() if when is None else when)
    return Signer(key).sign(session_id.encode(), stamp).decode()


def test_the_cookie_carries_only_a_signed_random_id() -> None:
    client, store = make()
    response = client.get("/set?a=1")
    set_cookie = response.headers["set-cookie"]
    assert set_cookie.endswith("; path=/; Max-Age=1209600; httponly; samesite=lax")
    session_id = cookie_id(set_cookie)
    assert SESSION_ID.fullmatch(session_id)
    assert response.json() == {"id": session_id, "data": {"a": "1"}}
    assert set_cookie.split(";")[0].split(".")[0] == f"session={session_id}"  # no data in it
    assert list(store.entries) == [session_id]
    assert store.entries[session_id].payload == b'{"a":"1"}'
    assert store.calls == [("save", (session_id, 1209600, None))]  # a new one: nothing to load
    assert response.headers["vary"] == "Cookie"


def test_written_only_when_changed_and_read_once_per_request() -> None:
    client, store = make()
    session_id = cookie_id(client.get("/set?a=1").headers["set-cookie"])
    store.calls.clear()
    unchanged = client.get("/")
    assert unchanged.json() == {"id": session_id, "data": {"a": "1"}}
    assert "set-cookie" not in unchanged.headers
    assert store.calls == [("load", session_id)]
    store.calls.clear()
    same_value = client.get("/set?a=1")  # written, if to the same value: saved (ttl restarts)
    assert cookie_id(same_value.headers["set-cookie"]) == session_id
    assert store.calls == [("load", session_id), ("save", (session_id, 1209600, session_id))]
    client.get("/set?b=2")
    assert client.get("/").json()["data"] == {"a": "1", "b": "2"}


def test_no_cookie_and_no_write_touches_no_store() -> None:
    client, store = make()
    response = client.get("/")
    assert "set-cookie" not in response.headers
    assert store.calls == []
    assert len(store) == 0


@pytest.mark.parametrize(
    "cookie",
    [
        "garbage",
        "x" * 10_000,  # huge: not even checked
        signed(new_session_id(), key="other"),
        signed("too.short"),
        signed("a" * 42),
        signed("é" * 43),
        signed(new_session_id(), when=time.time() - 10_000),  # older than max_age below
        signed(new_session_id(), when=time.time() + 100),  # from the future
    ],
)
def test_forged_or_garbage_ids_never_reach_the_store(cookie: str) -> None:
    client, store = make(max_age=1000)
    client.cookies.set("session", cookie)
    response = client.get("/")
    assert response.json()["data"] == {}
    assert "set-cookie" not in response.headers
    assert store.calls == []


def test_an_unknown_id_is_never_adopted() -> None:
    client, store = make()
    chosen = new_session_id()  # signed by us (say, a revoked session), unknown to the store
    client.cookies.set("session", signed(chosen))
    response = client.get("/")
    assert response.json()["data"] == {}
    assert store.calls == [("load", chosen)]
    assert "expires=Thu, 01 Jan 1970" in response.headers["set-cookie"]  # the browser forgets it
    client.cookies.set("session", signed(chosen))
    written = client.get("/set?a=1")
    new_id = cookie_id(written.headers["set-cookie"])
    assert new_id != chosen
    assert written.json()["id"] == new_id
    assert list(store.entries) == [new_id]


def test_clearing_deletes_the_entry_and_the_cookie() -> None:
    client, store = make()
    session_id = cookie_id(client.get("/set?a=1").headers["set-cookie"])
    response = client.get("/clear")
    assert "expires=Thu, 01 Jan 1970 00:00:00 GMT" in response.headers["set-cookie"]
    assert ("revoke", session_id) in store.calls
    assert len(store) == 0
    assert client.get("/").json()["data"] == {}
    store.calls.clear()
    assert "set-cookie" not in client.get("/clear").headers  # nothing to delete
    assert store.calls == []


def test_login_rotates_the_id_and_keeps_the_data() -> None:
    client, store = make(CountingStore(index_key="user_id"))
    before = cookie_id(client.get("/set?cart=3").headers["set-cookie"])
    login = client.get("/login?user=ada")
    after = cookie_id(login.headers["set-cookie"])
    assert after != before
    assert login.json() == {"id": after, "data": {"cart": "3", "user_id": "ada"}}  # id known early
    assert list(store.entries) == [after]
    assert store.owners == {"ada": {after}}
    client.cookies.set("session", signed(before))  # the old id is dead
    assert client.get("/").json()["data"] == {}


def test_rotating_a_new_session() -> None:
    client, store = make()
    response = client.get("/login?user=ada")
    assert cookie_id(response.headers["set-cookie"]) == response.json()["id"]
    assert len(store) == 1


def test_rotating_a_cookie_session_signs_it_again() -> None:
    client = TestClient(SessionMiddleware(app_for(MemorySessionStore()), "k"))
    client.get("/set?a=1")
    response = client.get("/rotate")
    assert response.json() == {"id": None, "data": {"a": "1"}}
    assert response.headers["set-cookie"].startswith("session=")
    session = Session({"a": 1})
    session.rotate()
    assert (session.id, session.modified) == (None, True)


def test_expiry_follows_max_age_from_the_last_write() -> None:
    clock = Clock()
    client, _ = make(CountingStore(clock=clock), max_age=60)
    client.get("/set?a=1")
    clock.now += 59
    assert client.get("/").json()["data"] == {"a": "1"}
    clock.now += 2  # reads don't refresh
    assert client.get("/").json()["data"] == {}

    client.get("/set?a=2")
    clock.now += 50
    client.get("/set?a=3")  # a write does
    clock.now += 50
    assert client.get("/").json()["data"] == {"a": "3"}


def test_browser_session_cookie_keeps_a_server_ttl() -> None:
    client, store = make(max_age=None)
    response = client.get("/set?a=1")
    assert "max-age" not in response.headers["set-cookie"].lower()
    assert store.calls[0][1][1] == BROWSER_SESSION_TTL == 14 * 24 * 60 * 60
    client.cookies.set("session", signed(cookie_id(response.headers["set-cookie"]), when=1))
    assert client.get("/").json()["data"] == {"a": "1"}  # no age limit on the cookie itself


def test_revoke_one_session_and_all_of_a_user() -> None:
    store = MemorySessionStore(index_key="user_id")
    ada_laptop, _ = make(store)
    ada_phone, _ = make(store)
    bob, _ = make(store)
    for client, user in ((ada_laptop, "ada"), (ada_phone, "ada"), (bob, "bob")):
        client.get(f"/login?user={user}")
    laptop_id = ada_laptop.get("/").json()["id"]
    asyncio.run(store.revoke(laptop_id))
    assert ada_laptop.get("/").json()["data"] == {}
    assert ada_phone.get("/").json()["data"] == {"user_id": "ada"}
    ada_laptop.get("/login?user=ada")
    assert asyncio.run(store.revoke_user("ada")) == 2
    assert ada_laptop.get("/").json()["data"] == {}
    assert ada_phone.get("/").json()["data"] == {}
    assert bob.get("/").json()["data"] == {"user_id": "bob"}
    assert asyncio.run(store.revoke_user("ada")) == 0


def test_a_session_revoked_during_the_request_stays_revoked(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, store = make()
    client.get("/set?a=1")
    caplog.set_level(logging.INFO, "asgi_middleware.sessions")
    response = client.get("/revoke-me")
    assert "expires=Thu, 01 Jan 1970" in response.headers["set-cookie"]
    assert len(store) == 0
    assert caplog.messages == ["a session was revoked during a request that changed it: not saved"]


def test_an_app_may_put_a_plain_dict_in_the_scope() -> None:
    client, store = make()
    session_id = cookie_id(client.get("/set?a=1").headers["set-cookie"])
    response = client.get("/replace")
    assert cookie_id(response.headers["set-cookie"]) == session_id
    assert json.loads(store.entries[session_id].payload) == {"replaced": True}
    assert "vary" in response.headers


def test_values_json_cannot_hold_are_an_error_and_store_nothing() -> None:
    client, store = make()
    with pytest.raises(TypeError, match="not JSON serializable"):
        client.get("/datetime")
    assert len(store) == 0


def test_an_index_value_of_the_wrong_type_is_an_error() -> None:
    with pytest.raises(TypeError, match=r"session\['user_id'\] .* str or an int, not list"):
        owner_of({"user_id": [1]}, "user_id")
    with pytest.raises(TypeError, match="not bool"):
        owner_of({"user_id": True}, "user_id")
    assert owner_of({"user_id": 42}, "user_id") == "42"
    assert owner_of({"user_id": None}, "user_id") is None
    assert owner_of({"user_id": "ada"}, None) is None


class FailingStore(MemorySessionStore):
    def __init__(self, failing: str) -> None:
        super().__init__()
        self.failing = failing

    async def load(self, session_id: str) -> dict[str, Any] | None:
        if self.failing == "load":
            raise SessionStoreError("Redis failed: ConnectionError: refused")
        return await super().load(session_id)

    async def save(
        self, session_id: str, data: Mapping[str, Any], ttl: int, previous_id: str | None
    ) -> bool:
        if self.failing == "save":
            raise SessionStoreError("Redis failed: ConnectionError: refused")
        return await super().save(session_id, data, ttl, previous_id)


@pytest.mark.parametrize("failing", ["load", "save"])
def test_a_failing_store_fails_the_request(failing: str) -> None:
    store = FailingStore("")
    session_id = new_session_id()
    asyncio.run(store.save(session_id, {"a": 1}, 60, None))
    store.failing = failing
    sent: list[dict[str, Any]] = []
    scope = {"type": "http", "path": "/set", "query_string": b"a=2"}
    scope["headers"] = [(b"cookie", f"session={signed(session_id)}".encode())]
    with pytest.raises(SessionStoreError, match="Redis failed"):
        run(SessionMiddleware(app_for(store), "k", store=store), scope, sent=sent)
    assert sent == []  # no answer started: the server's error handling answers 500


def test_websocket_gets_the_stored_session() -> None:
    store = MemorySessionStore()
    session_id = new_session_id()
    asyncio.run(store.save(session_id, {"a": "1"}, 60, None))
    seen: list[object] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append((scope["session"], scope["session"].id))
        await send({"type": "websocket.close", "code": 1000})

    headers = [(b"cookie", f"session={signed(session_id)}".encode())]
    run(SessionMiddleware(app, "k", store=store), {"type": "websocket", "headers": headers})
    assert seen == [({"a": "1"}, session_id)]


def test_stored_session_ids() -> None:
    fresh = StoredSession()
    assert fresh.loaded_id is None
    assert SESSION_ID.fullmatch(fresh.id)
    assert fresh.id == fresh.id  # made once
    loaded = StoredSession({"a": 1}, "x" * 43)
    assert loaded.id == loaded.loaded_id == "x" * 43
    loaded.rotate()
    assert loaded.id != loaded.loaded_id
    assert loaded.modified
    assert new_session_id() != new_session_id()
    assert len(new_session_id()) == 43


def test_memory_store_stays_bounded() -> None:
    with pytest.raises(ValueError, match="max_sessions must be at least 1"):
        MemorySessionStore(max_sessions=0)
    clock = Clock()
    store = MemorySessionStore(index_key="user_id", max_sessions=3, clock=clock)
    ids = [new_session_id() for _ in range(5)]

    async def scenario() -> None:
        await store.save(ids[0], {"user_id": "ada"}, 10, None)
        await store.save(ids[1], {}, 100, None)
        await store.save(ids[2], {}, 100, None)
        await store.save(ids[3], {}, 100, None)  # full: the oldest goes
        assert list(store.entries) == ids[1:4]
        assert store.owners == {}
        await store.save(ids[1], {"n": 1}, 100, ids[1])  # a write makes it the youngest
        await store.save(ids[4], {}, 100, None)
        assert list(store.entries) == [ids[3], ids[1], ids[4]]

    asyncio.run(scenario())
    assert len(store) == 3


def test_memory_store_drops_expired_sessions_first_and_counts_only_live_ones() -> None:
    clock = Clock()
    store = MemorySessionStore(index_key="user_id", max_sessions=3, clock=clock)
    short, long, new = new_session_id(), new_session_id(), new_session_id()

    async def scenario() -> None:
        await store.save(short, {"user_id": "ada"}, 10, None)
        await store.save(long, {"user_id": "ada"}, 100, None)
        clock.now += 20
        assert await store.revoke_user("ada") == 1  # the expired one isn't counted
        await store.save(short, {}, 10, None)
        await store.save(long, {}, 100, None)
        clock.now += 20
        await store.save(new, {}, 100, None)  # not full, yet the expired one goes
        assert list(store.entries) == [long, new]

    asyncio.run(scenario())


@given(st.binary(max_size=200))
def test_property_any_cookie_bytes_give_no_id_and_never_raise(raw: bytes) -> None:
    scope = {"type": "http", "headers": [(b"cookie", b"session=" + raw)]}
    middleware = SessionMiddleware(app_for(MemorySessionStore()), "k", store=MemorySessionStore())
    assert middleware.session_id(scope) is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


@given(st.dictionaries(st.text(), json_values, max_size=5))
def test_property_whatever_json_holds_comes_back(data: dict[str, Any]) -> None:
    store = MemorySessionStore()
    session_id = new_session_id()
    assert asyncio.run(store.save(session_id, data, 60, None))
    assert asyncio.run(store.load(session_id)) == data
