"""Forged session cookies: tampered, truncated, expired, wrong key -> an empty session, no error."""

from __future__ import annotations

import time

import pytest

from asgi_testclient import TestClient
from asgi_toolkit import App
from asgi_toolkit.middleware import Middleware
from asgi_toolkit.middleware.sessions import SessionMiddleware
from asgi_toolkit.requests import Request
from asgi_toolkit.responses import JSONResponse
from asgi_toolkit.routing import Route


async def login(request: Request) -> JSONResponse:
    request.session["user"] = "alice"
    return JSONResponse({})


async def whoami(request: Request) -> JSONResponse:
    return JSONResponse(dict(request.session))


def make_client(key: str = "right-key", max_age: int | None = 60) -> TestClient:
    app = App(
        routes=[Route("/login", login), Route("/whoami", whoami)],
        middleware=[Middleware(SessionMiddleware, secret_key=key, max_age=max_age)],
    )
    return TestClient(app, raise_server_exceptions=False)


def session_cookie(key: str = "right-key") -> str:
    client = make_client(key)
    response = client.get("/login")
    assert response.status_code == 200
    return str(response.cookies["session"])


def whoami_with(cookie: str, client: TestClient | None = None) -> dict[str, str]:
    client = client or make_client()
    response = client.get("/whoami", headers={"cookie": f"session={cookie}"})
    assert response.status_code == 200
    result: dict[str, str] = response.json()
    return result


def test_sanity_a_genuine_cookie_is_accepted() -> None:
    assert whoami_with(session_cookie()) == {"user": "alice"}


def test_tampered_payload_is_ignored() -> None:
    import base64

    cookie = session_cookie()
    _, timestamp, signature = cookie.split(".")
    forged = base64.urlsafe_b64encode(b'{"user":"admin"}').rstrip(b"=").decode()
    assert whoami_with(f"{forged}.{timestamp}.{signature}") == {}


@pytest.mark.parametrize("position", [0, 5, -1, -5])
def test_one_flipped_character_is_ignored(position: int) -> None:
    cookie = list(session_cookie())
    cookie[position] = "A" if cookie[position] != "A" else "B"
    assert whoami_with("".join(cookie)) == {}


@pytest.mark.parametrize("keep", [1, 10, 30, -1, -10])
def test_truncated_cookie_is_ignored(keep: int) -> None:
    cookie = session_cookie()
    assert whoami_with(cookie[:keep]) == {}


def test_wrong_key_is_ignored() -> None:
    assert whoami_with(session_cookie("other-key")) == {}


def test_replayed_after_expiry_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    cookie = session_cookie()
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 61)
    assert whoami_with(cookie) == {}


def test_timestamp_moved_forward_is_ignored() -> None:
    import base64

    payload, timestamp, signature = session_cookie().split(".")
    stamp = int.from_bytes(base64.urlsafe_b64decode(timestamp + "=="))
    later = base64.urlsafe_b64encode((stamp + 10_000).to_bytes(4)).rstrip(b"=").decode()
    assert whoami_with(f"{payload}.{later}.{signature}") == {}


@pytest.mark.parametrize(
    "cookie", ["", ".", "..", "...", "null", "a.b.c.d", "\x00", "é" * 10, "x" * 100_000]
)
def test_garbage_cookie_is_ignored(cookie: str) -> None:
    start = time.perf_counter()
    assert whoami_with(cookie) == {}
    assert time.perf_counter() - start < 2
