import base64
import json
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mw_apps import lifespan_app, run

from asgi_middleware import SessionMiddleware, SessionTooLarge
from asgi_middleware.sessions import Signer
from asgi_protocol.datastructures import Secret
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
    assert "path=/; httponly; samesite=lax; max-age=1209600" in cookie
    unchanged = client.get("/")
    assert unchanged.json() == {"a": "1"}
    assert "set-cookie" not in unchanged.headers
    same_value = client.get("/set?a=1")
    assert "set-cookie" not in same_value.headers
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
    assert "max-age" not in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    payload, timestamp, signature = value.split(".")
    assert json.loads(base64.urlsafe_b64decode(payload + "==")) == {"a": "1"}
    assert abs(int(timestamp) - time.time()) < 5
    assert len(signature) == 43


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
    return Signer(key).sign(payload, stamp).decode()


def get_with(cookie: str, **kwargs: Any) -> bytes:
    scope = {"type": "http", "path": "/", "headers": [(b"cookie", f"session={cookie}".encode())]}
    sent = run(SessionMiddleware(session_app, **{"secret_key": "k", **kwargs}), scope)
    return sent[1]["body"]  # type: ignore[no-any-return]


def test_valid_cookie_loads() -> None:
    assert get_with(valid_cookie()) == b'{"a": "1"}'


def test_tampered_truncated_wrong_key_expired() -> None:
    good = valid_cookie()
    payload, stamp, sig = good.split(".")
    tampered = base64.urlsafe_b64encode(b'{"a":"2"}').rstrip(b"=").decode() + f".{stamp}.{sig}"
    assert get_with(tampered) == b"{}"
    assert get_with(good[:-3]) == b"{}"
    assert get_with(f"{payload}.{int(stamp) + 1}.{sig}") == b"{}"
    assert get_with(valid_cookie(key="other")) == b"{}"
    assert get_with(valid_cookie(when=time.time() - 100), max_age=10) == b"{}"
    assert get_with(valid_cookie(when=time.time() - 100), max_age=None) == b'{"a": "1"}'


def test_signed_non_dict_and_non_digit_stamp() -> None:
    assert get_with(valid_cookie(payload=b"[1]")) == b"{}"
    signer = Signer("k")
    # a correctly signed body whose timestamp isn't a number
    import hashlib
    import hmac

    body = base64.urlsafe_b64encode(b"{}").rstrip(b"=") + b".abc"
    mac = base64.urlsafe_b64encode(hmac.new(b"k", body, hashlib.sha256).digest()).rstrip(b"=")
    assert signer.unsign(body + b"." + mac, None, time.time()) is None


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
    value = middleware.signer.sign(middleware.serialize(session), int(time.time())).decode()
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
