"""Hostile cross-site requests against an App behind CSRFMiddleware: lookalike origins,
missing and forged tokens, bodies too big or broken, and WebSocket hijacking. Every refusal is a
403 (or a 400, 413) with its reason, never a 500; every accepted form reaches the app whole."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hostile_helpers import drive, multipart

from asgi_testclient import TestClient
from asgi_testclient.exceptions import WebSocketDenialResponse
from asgi_toolkit import App
from asgi_toolkit.middleware import Middleware
from asgi_toolkit.middleware.csrf import CSRFMiddleware, get_csrf_token
from asgi_toolkit.middleware.timeout import TimeoutMiddleware
from asgi_toolkit.requests import Request
from asgi_toolkit.responses import HTMLResponse, JSONResponse
from asgi_toolkit.routing import Route, WebSocketRoute
from asgi_toolkit.websockets import WebSocket

TOKEN = "k" * 43
OURS = "http://testserver"


async def form_page(request: Request) -> HTMLResponse:
    token = get_csrf_token(request)
    return HTMLResponse(f'<form method="post"><input name="csrf_token" value="{token}"></form>')


async def transfer(request: Request) -> JSONResponse:
    async with request.form(max_part_size=4 * 1024 * 1024) as form:
        sizes = {
            key: len(await value.read()) if not isinstance(value, str) else value
            for key, value in form.multi_items()
        }
    return JSONResponse(sizes)


async def chat(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text("hello")
    await websocket.close()


def make_client(max_body_size: int | None = None, **options: Any) -> TestClient:
    app = App(
        routes=[
            Route("/form", form_page),
            Route("/transfer", transfer, methods=["POST"]),
            WebSocketRoute("/chat", chat),
        ],
        middleware=[Middleware(CSRFMiddleware, **options)],
        max_body_size=max_body_size,
    )
    return TestClient(app, raise_server_exceptions=False, follow_redirects=False)


def with_token(headers: dict[str, str] | None = None) -> dict[str, str]:
    return {"Origin": OURS, "Cookie": f"csrftoken={TOKEN}", **(headers or {})}


def test_sanity_the_page_s_own_form_goes_through() -> None:
    client = make_client()
    page = client.get("/form")
    token = page.cookies["csrftoken"]
    assert f'value="{token}"' in page.text
    response = client.post(
        "/transfer", data={"csrf_token": token, "amount": "10"}, headers={"Origin": OURS}
    )
    assert (response.status_code, response.json()) == (200, {"csrf_token": token, "amount": "10"})


LOOKALIKES = [
    "http://testserver.evil.example",
    "http://evil.example/testserver",
    "http://testserver@evil.example",
    "http://evil.example#testserver",
    "http://evil.example?testserver",
    "http://testserver%2eevil.example",
    "http://testserver:80@evil.example",
    "http://testservér",
    "http:/testserver",
    "http:testserver",
    "//testserver",
    "https://testserver",
    "http://testserver:8080",
    "http://[::1]",
    "null",
    "",
    "*",
    "http://" + "a" * 10_000,
]


@pytest.mark.parametrize("origin", LOOKALIKES, ids=lambda v: repr(v[:30]))
def test_lookalike_origins_are_refused_even_with_the_right_token(origin: str) -> None:
    headers = with_token({"Origin": origin})
    response = make_client().post("/transfer", data={"csrf_token": TOKEN}, headers=headers)
    assert response.status_code == 403
    assert response.text.startswith("CSRF: Origin ")
    assert len(response.text) < 200


@pytest.mark.parametrize("origin", LOOKALIKES[:8], ids=lambda v: repr(v[:30]))
def test_lookalike_referers_are_refused(origin: str) -> None:
    headers = {"Cookie": f"csrftoken={TOKEN}", "Referer": origin + "/page"}
    response = make_client().post("/transfer", data={"csrf_token": TOKEN}, headers=headers)
    assert response.status_code == 403
    assert response.text.startswith("CSRF: Referer ")


def test_a_wildcard_trusts_no_lookalike() -> None:
    client = make_client(trusted_origins=["https://*.example.com"])
    for origin in (
        "https://example.com.evil.org",
        "https://evil-example.com",
        "https://example.com",
        "http://a.example.com",
    ):
        headers = with_token({"Origin": origin})
        response = client.post("/transfer", data={"csrf_token": TOKEN}, headers=headers)
        assert response.status_code == 403, origin
    headers = with_token({"Origin": "https://a.b.example.com"})
    assert client.post("/transfer", data={"csrf_token": TOKEN}, headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("headers", "data", "reason"),
    [
        ({"Origin": OURS}, {"csrf_token": TOKEN}, "CSRF: token missing: no csrftoken cookie came"),
        (with_token(), {"amount": "10"}, "CSRF: token missing"),
        (with_token(), {"csrf_token": ""}, "CSRF: token mismatch"),
        (with_token(), {"csrf_token": TOKEN[:-1]}, "CSRF: token mismatch"),
        (with_token(), {"csrf_token": TOKEN + "k"}, "CSRF: token mismatch"),
        (with_token(), {"csrf_token": TOKEN.upper()}, "CSRF: token mismatch"),
        (with_token({"X-CSRF-Token": "wrong"}), {"csrf_token": TOKEN}, "CSRF: token mismatch"),
        (with_token({"X-CSRF-Token": ""}), {"csrf_token": TOKEN}, "CSRF: token mismatch"),
    ],
)
def test_forged_or_missing_tokens(headers: dict[str, str], data: Any, reason: str) -> None:
    response = make_client().post("/transfer", data=data, headers=headers)
    assert response.status_code == 403
    assert response.text.startswith(reason)


def test_a_forged_cookie_equal_to_the_field_is_replaced_not_trusted() -> None:
    """A cookie the attacker planted in a shape we never make is no token at all."""
    headers = {"Origin": OURS, "Cookie": "csrftoken=attacker"}
    response = make_client().post("/transfer", data={"csrf_token": "attacker"}, headers=headers)
    assert (response.status_code, response.text) == (
        403,
        "CSRF: token missing: no csrftoken cookie came",
    )
    assert response.cookies["csrftoken"] != "attacker"


def test_a_header_token_with_nul_and_high_bytes_is_a_mismatch() -> None:
    headers = with_token({"X-CSRF-Token": "\x00\xff" * 30})
    response = make_client().post("/transfer", data={"a": "b"}, headers=headers)
    assert (response.status_code, response.text) == (403, "CSRF: token mismatch")


def test_an_upload_reaches_the_app_whole_after_the_check() -> None:
    data = bytes(range(256)) * 2000  # 512 KB of every byte
    body = multipart([("csrf_token", None, TOKEN.encode()), ("file", "f.bin", data)])
    headers = with_token({"Content-Type": "multipart/form-data; boundary=hostileboundary"})
    response = make_client().post("/transfer", content=body, headers=headers)
    assert response.json() == {"csrf_token": TOKEN, "file": len(data)}


def test_a_big_upload_with_the_header_token_is_never_buffered() -> None:
    data = b"x" * (3 * 1024 * 1024)  # over max_form_size: only the header can carry its token
    body = multipart([("file", "big.bin", data)])
    content_type = "multipart/form-data; boundary=hostileboundary"
    client = make_client()
    refused = client.post(
        "/transfer", content=body, headers=with_token({"Content-Type": content_type})
    )
    assert (refused.status_code, refused.text) == (
        403,
        "CSRF: a form over 1048576 bytes must send its token in the X-CSRF-Token header",
    )
    headers = with_token({"Content-Type": content_type, "X-CSRF-Token": TOKEN})
    assert client.post("/transfer", content=body, headers=headers).json() == {"file": len(data)}


def test_the_apps_body_limit_still_answers_413() -> None:
    response = make_client(max_body_size=100).post(
        "/transfer", data={"csrf_token": TOKEN, "pad": "x" * 500}, headers=with_token()
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data; boundary=hostileboundary", b"--hostileboundary\r\ngarbage"),
        ("multipart/form-data", b"no boundary at all"),
        ("multipart/form-data; boundary=hostileboundary", multipart([("x", None, b"1")])[:-5]),
        ("application/x-www-form-urlencoded", b"&".join([b"a=1"] * 1001)),
    ],
)
def test_a_broken_form_is_a_400_with_its_reason_never_a_500(content_type: str, body: bytes) -> None:
    response = make_client().post(
        "/transfer", content=body, headers=with_token({"Content-Type": content_type})
    )
    assert response.status_code == 400
    assert response.text.startswith("CSRF: ")


def test_a_slow_form_under_a_timeout_is_a_504() -> None:
    """Reading the form for its token happens inside a TimeoutMiddleware further out."""
    app = App(
        routes=[Route("/transfer", transfer, methods=["POST"])],
        middleware=[Middleware(TimeoutMiddleware, timeout=0.05), Middleware(CSRFMiddleware)],
    )

    async def receive() -> Any:
        await asyncio.sleep(10)  # a client that never finishes its body

    headers = [
        (b"host", b"testserver"),
        (b"origin", OURS.encode()),
        (b"cookie", f"csrftoken={TOKEN}".encode()),
        (b"content-type", b"application/x-www-form-urlencoded"),
    ]
    sent = asyncio.run(drive(app, "/transfer", headers, method="POST", receive=receive))
    assert sent[0]["status"] == 504


def test_a_cross_site_websocket_is_denied() -> None:
    client = make_client()
    with pytest.raises(WebSocketDenialResponse):
        client.websocket_connect("/chat", headers={"Origin": "https://evil.example"})
    with client.websocket_connect("/chat", headers={"Origin": OURS}) as session:
        assert session.receive_text() == "hello"


def test_json_apis_are_guarded_by_origin_alone() -> None:
    client = make_client()
    assert (
        client.post("/transfer", json={}, headers={"Origin": "https://evil.example"}).status_code
        == 403
    )
