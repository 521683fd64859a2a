import base64
import json
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mw_apps import lifespan_app, run

from asgi_middleware import SessionMiddleware, SessionTooLarge
from asgi_middleware.sessions import Session, Signer
from asgi_protocol.datastructures import Secret
from asgi_requests import HTTPConnection
from asgi_testclient import TestClient


async def session_app(scope: Any, receive: Any, send: Any) -> None:
    """/set?k=v stores, /clear empties, /big stores 5 KB, anything else just reads."""
    session = scope["session"]
    path = scope["path"]
    if path == "/set":
        key, _, value = scope["query_string"].decode().partition("=")
        session[key] = value
    elif path == "/clear":
        session.clear()
    elif path == "/big":
        session["big"] = "x" * 5000
    body = json.dumps(session, sort_keys=True).encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def make(**kwargs: Any) -> TestClient:
    return TestClient(SessionMiddleware(session_app, **{"secret_key": "k", **kwargs}))


def test_roundtrip_and_only_sent_when_changed() -> None:
    client = make()
    response = client.get("/set?a=1")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("session=")
    assert cookie.endswith("; path=/; Max-Age=1209600; httponly; samesite=lax")
    unchanged = client.get("/")
    assert unchanged.json() == {"a": "1"}
    assert "set-cookie" not in unchanged.headers
    same_value = client.get("/set?a=1")  # written, if to the same value: sent (max_age restarts)
    assert "set-cookie" in same_value.headers
    assert "set-cookie" in client.get("/set?b=2").headers
    assert client.get("/").json() == {"a": "1", "b": "2"}


def test_emptied_session_deletes_cookie() -> None:
    client = make()
    client.get("/set?a=1")
    response = client.get("/clear")
    assert "expires=Thu, 01 Jan 1970 00:00:00 GMT" in response.headers["set-cookie"]
    assert client.get("/").json() == {}
    assert "set-cookie" not in client.get("/clear").headers  # nothing to delete


def test_cookie_format_and_options() -> None:
    client = make(
        session_cookie="s",
        https_only=True,
        domain="a.com",
        same_site="strict",
        path="/p",
        max_age=None,
        secret_key=Secret("k"),
    )
    cookie = client.get("/set?a=1").headers["set-cookie"]
    assert "; secure" in cookie
    assert "; domain=a.com" in cookie
    assert "samesite=strict" in cookie
    assert "max-age" not in cookie.lower()
    value = cookie.split(";")[0].split("=", 1)[1]
    payload, timestamp, signature = value.split(".")
    assert json.loads(base64.b64decode(payload)) == {"a": "1"}
    stamp = int.from_bytes(base64.urlsafe_b64decode(timestamp + "=="))
    assert abs(stamp - time.time()) < 5
    assert len(signature) == 27  # HMAC-SHA1, unpadded base64


@pytest.mark.parametrize(
    "cookie",
    [
        "garbage",
        "",
        "a.b.c",
        "...",
        "é",
        "eyJhIjoiMSJ9.123.",
    ],
)
def test_garbage_cookies_give_empty_session(cookie: str) -> None:
    scope = {"type": "http", "path": "/", "headers": [(b"cookie", f"session={cookie}".encode())]}
    sent = run(SessionMiddleware(session_app, "k"), scope)
    assert sent[1]["body"] == b"{}"


def valid_cookie(key: str = "k", when: float | None = None, payload: bytes = b'{"a":"1"}') -> str:
    stamp = int(time.time() if when is None else when)
    return Signer(key).sign(base64.b64encode(payload), stamp).decode()


def get_with(cookie: str, **kwargs: Any) -> bytes:
    scope = {"type": "http", "path": "/", "headers": [(b"cookie", f"session={cookie}".encode())]}
    sent = run(SessionMiddleware(session_app, **{"secret_key": "k", **kwargs}), scope)
    return sent[1]["body"]  # type: ignore[no-any-return]


def test_valid_cookie_loads() -> None:
    assert get_with(valid_cookie()) == b'{"a": "1"}'


def test_tampered_truncated_wrong_key_expired() -> None:
    good = valid_cookie()
    payload, stamp, sig = good.split(".")
    tampered = base64.b64encode(b'{"a":"2"}').decode() + f".{stamp}.{sig}"
    assert get_with(tampered) == b"{}"
    assert get_with(good[:-3]) == b"{}"
    later = valid_cookie(when=time.time() + 100).split(".")[1]
    assert get_with(f"{payload}.{later}.{sig}") == b"{}"
    assert get_with(valid_cookie(key="other")) == b"{}"
    assert get_with(valid_cookie(when=time.time() - 100), max_age=10) == b"{}"
    assert get_with(valid_cookie(when=time.time() - 100), max_age=None) == b'{"a": "1"}'
    assert get_with(valid_cookie(when=time.time() + 100), max_age=1000) == b"{}"  # from the future


def test_signed_values_that_are_no_session() -> None:
    assert get_with(valid_cookie(payload=b"[1]")) == b"{}"
    assert get_with(valid_cookie(payload=b"not json")) == b"{}"
    signer = Signer("k")
    assert get_with(signer.sign(b"not base64!", int(time.time())).decode()) == b"{}"
    # correctly signed, but no timestamp, or one longer than 8 bytes, or not base64
    for signed in (b"e30", b"e30." + b"A" * 12, b"e30.A"):
        assert signer.unsign(signed + b"." + signer._signature(signed), None, time.time()) is None


def test_too_large() -> None:
    with pytest.raises(SessionTooLarge, match="browsers keep at most 4096"):
        make().get("/big")


def test_bad_same_site() -> None:
    with pytest.raises(ValueError, match="same_site"):
        SessionMiddleware(session_app, "k", same_site="bogus")  # type: ignore[arg-type]


def test_websocket_gets_a_session() -> None:
    seen: list[object] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["session"])
        await send({"type": "websocket.close", "code": 1000})

    run(
        SessionMiddleware(app, "k"),
        {"type": "websocket", "headers": [(b"cookie", f"session={valid_cookie()}".encode())]},
    )
    assert seen == [{"a": "1"}]


def test_lifespan_passes_through() -> None:
    with TestClient(SessionMiddleware(lifespan_app, "k")):
        pass


# Property tests: whatever the browser sends back, the session loads as a dict and never raises.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


@given(st.dictionaries(st.text(), json_values, max_size=5))
def test_property_roundtrip(session: dict[str, Any]) -> None:
    middleware = SessionMiddleware(session_app, "k")
    value = middleware.cookie_value(middleware.serialize(session)).split(";")[0].split("=", 1)[1]
    scope = {"type": "http", "headers": [(b"cookie", f"session={value}".encode())]}
    assert middleware.load(scope) == session


@given(st.binary(max_size=200))
def test_property_any_cookie_bytes_never_raise(raw: bytes) -> None:
    scope = {"type": "http", "headers": [(b"cookie", b"session=" + raw)]}
    assert SessionMiddleware(session_app, "k").load(scope) == {}


@given(st.integers(min_value=0), st.binary(min_size=1, max_size=1))
def test_property_any_single_byte_change_is_rejected(index: int, byte: bytes) -> None:
    good = valid_cookie().encode()
    index %= len(good)
    mutated = good[:index] + byte + good[index + 1 :]
    scope = {"type": "http", "headers": [(b"cookie", b"session=" + mutated)]}
    expected = {"a": "1"} if mutated == good else {}
    assert SessionMiddleware(session_app, "k").load(scope) == expected


# A cookie Starlette's SessionMiddleware(secret_key="example") wrote at 2025-12-01 00:00 UTC.
STARLETTE_COOKIE = "eyJ1c2VyIjogImFsaWNlIiwgImNhcnQiOiBbMSwgMl19.aSzagA.yp7BgUcjJthlTRoJIfzK7huBgQ8"


def test_a_cookie_written_by_starlette_reads_as_the_same_session() -> None:
    scope = {"type": "http", "headers": [(b"cookie", f"session={STARLETTE_COOKIE}".encode())]}
    assert SessionMiddleware(session_app, "example", max_age=None).load(scope) == {
        "user": "alice",
        "cart": [1, 2],
    }
    assert SessionMiddleware(session_app, "other", max_age=None).load(scope) == {}
    assert SessionMiddleware(session_app, "example").load(scope) == {}  # older than 14 days


def test_cookies_round_trip_with_itsdangerous() -> None:
    itsdangerous = pytest.importorskip("itsdangerous")
    theirs = itsdangerous.TimestampSigner("s3cret")
    written = theirs.sign(base64.b64encode(json.dumps({"a": [1, "é"]}).encode())).decode()
    assert get_with(written, secret_key="s3cret") == b'{"a": [1, "\\u00e9"]}'

    cookie = make(secret_key="s3cret").get("/set?a=1").headers["set-cookie"]
    value = cookie.split(";")[0].split("=", 1)[1]
    assert json.loads(base64.b64decode(theirs.unsign(value, max_age=60))) == {"a": "1"}


def test_session_tracks_reads_and_writes() -> None:
    def fresh() -> Session:
        return Session({"a": 1, "b": 2})

    for change in (
        lambda s: s.__setitem__("c", 3),
        lambda s: s.__delitem__("a"),
        lambda s: s.__ior__({"c": 3}),
        lambda s: s.clear(),
        lambda s: s.pop("a"),
        lambda s: s.popitem(),
        lambda s: s.setdefault("c", 3),
        lambda s: s.update(c=3),
    ):
        session = fresh()
        change(session)
        assert (session.accessed, session.modified) == (True, True)
    for no_change in (lambda s: s.pop("missing", None), lambda s: s.setdefault("a", 9)):
        session = fresh()
        no_change(session)
        assert (session.accessed, session.modified) == (False, False)
    session = fresh()
    session |= {"c": 3}
    assert isinstance(session, Session)
    assert session["c"] == 3
    session.mark_accessed()
    assert session.accessed


async def reading_app(scope: Any, receive: Any, send: Any) -> None:
    """/read reads request.session, /touch changes a nested value behind the dict's back."""
    if scope["path"] == "/read":
        HTTPConnection(scope).session.get("a")
    elif scope["path"] == "/touch":
        scope["session"]["nested"].append(1)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def test_vary_cookie_when_the_session_was_read_or_sent() -> None:
    client = TestClient(SessionMiddleware(reading_app, "k"))
    assert "vary" not in client.get("/").headers  # untouched: the answer is the same for all
    read = client.get("/read")
    assert read.headers["vary"] == "Cookie"
    assert "set-cookie" not in read.headers

    cookie = Signer("k").sign(base64.b64encode(b'{"nested":[]}'), int(time.time())).decode()
    touched = TestClient(SessionMiddleware(reading_app, "k"), cookies={"session": cookie})
    response = touched.get("/touch")  # a change the dict didn't see: found by comparison
    assert "set-cookie" in response.headers
    assert response.headers["vary"] == "Cookie"


def test_partitioned_cookies() -> None:
    app = SessionMiddleware(session_app, "k", https_only=True, same_site="none", partitioned=True)
    client = TestClient(app, base_url="https://testserver")  # a secure cookie comes back on https
    set_cookie = client.get("/set?a=1").headers["set-cookie"]
    assert set_cookie.split("; ")[-2:] == ["secure", "partitioned"]
    cleared = client.get("/clear").headers["set-cookie"]
    assert cleared.startswith("session=null; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT")
    assert cleared.endswith("; secure; partitioned")
    with pytest.raises(ValueError, match="https_only=True"):
        SessionMiddleware(session_app, "k", partitioned=True)
