"""max_body_size on Router, Mount and Route: 413 up front and while streaming."""

from __future__ import annotations

from typing import Any

import pytest
from routing_driver import http

from asgi_protocol.exceptions import HTTPException
from asgi_protocol.types import Receive, Scope, Send
from asgi_requests import BodyLimiter, BodyTooLarge
from asgi_responses import PlainTextResponse, Response
from asgi_routing import Mount, Route, Router


async def upload(request: Any) -> Response:
    body = await request.body()
    return PlainTextResponse(f"got {len(body)}")


class ReadAll:
    """A foreign ASGI app that reads the whole body."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        size = 0
        while True:
            message = await receive()
            size += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        await PlainTextResponse(f"read {size}")(scope, receive, send)


class StartThenRead:
    """Starts its response, then reads: a late 413 cannot be sent any more."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await receive()
        await receive()


def post(router: Any, path: str, body: bytes | list[bytes], length: bool = True, **kw: Any) -> Any:
    size = len(body) if isinstance(body, bytes) else sum(map(len, body))
    headers = [("content-length", str(size))] if length else []
    return http(router, "POST", path, body=body, headers=headers, **kw)


async def test_route_limit_content_length_up_front() -> None:
    router = Router([Route("/u", upload, methods=["POST"], max_body_size=10)])
    assert (await post(router, "/u", b"x" * 10)).text == "got 10"
    reply = await post(router, "/u", b"x" * 11)
    assert reply.status == 413
    assert reply.text == "Content Too Large"


async def test_limit_while_streaming_without_content_length() -> None:
    router = Router([Route("/u", upload, methods=["POST"])], max_body_size=8)
    reply = await post(router, "/u", [b"abcd", b"efgh", b"i"], length=False)
    assert reply.status == 413
    assert (await post(router, "/u", [b"abcd", b"efgh"], length=False)).text == "got 8"


async def test_limit_inside_app_raises_for_exception_middleware() -> None:
    router = Router([Route("/u", upload, methods=["POST"])], max_body_size=4)
    with pytest.raises(BodyTooLarge) as info:
        await post(router, "/u", b"12345", scope_app=object())
    assert info.value.status_code == 413
    assert info.value.limit == 4
    with pytest.raises(BodyTooLarge):
        await post(router, "/u", [b"123", b"45"], length=False, scope_app=object())
    with pytest.raises(HTTPException) as bad:
        await http(router, "POST", "/u", headers=[("content-length", "x")], scope_app=object())
    assert bad.value.status_code == 400
    assert (await post(router, "/u", b"1234", scope_app=object())).text == "got 4"


async def test_late_body_too_large_propagates_after_response_started() -> None:
    router = Router([Mount("/m", app=StartThenRead())], max_body_size=2)
    with pytest.raises(BodyTooLarge):
        await post(router, "/m/x", [b"ab", b"cd"], length=False)


async def test_invalid_content_length() -> None:
    router = Router([Route("/u", upload, methods=["POST"])], max_body_size=4)
    for bad in ("abc", "-1", "+3", "1_0"):
        reply = await http(router, "POST", "/u", headers=[("content-length", bad)])
        assert reply.status == 400
        assert reply.text == "Invalid Content-Length header"


async def test_innermost_setting_wins() -> None:
    router = Router(
        [
            Mount(
                "/api",
                routes=[
                    Route("/big", upload, methods=["POST"], max_body_size=100),
                    Route("/mid", upload, methods=["POST"]),
                ],
                max_body_size=50,
            ),
            Route("/small", upload, methods=["POST"]),
            Mount("/raw", app=ReadAll()),
            Mount("/rawbig", app=ReadAll(), max_body_size=30),
        ],
        max_body_size=10,
    )
    assert (await post(router, "/api/big", b"x" * 80)).text == "got 80"
    assert (await post(router, "/api/big", [b"x" * 60, b"x" * 41], length=False)).status == 413
    assert (await post(router, "/api/mid", b"x" * 50)).text == "got 50"
    assert (await post(router, "/api/mid", b"x" * 51)).status == 413
    assert (await post(router, "/small", b"x" * 11)).status == 413
    assert (await post(router, "/raw/x", b"x" * 10)).text == "read 10"
    assert (await post(router, "/raw/x", [b"x" * 6, b"x" * 6], length=False)).status == 413
    assert (await post(router, "/rawbig/x", b"x" * 30)).text == "read 30"


async def test_no_limit_by_default() -> None:
    router = Router([Route("/u", upload, methods=["POST"]), Mount("/raw", app=ReadAll())])
    assert (await post(router, "/u", b"x" * 100_000)).text == "got 100000"
    assert (await post(router, "/raw/", b"x" * 5)).text == "read 5"


async def test_other_headers_are_skipped() -> None:
    router = Router([Route("/u", upload, methods=["POST"], max_body_size=3)])
    reply = await http(router, "POST", "/u", body=b"ab", headers=[("x-a", "1")])
    assert reply.text == "got 2"


def test_bad_limits_fail_at_construction() -> None:
    for bad in (-1, 1.5, "10", True):
        with pytest.raises(ValueError, match="max_body_size must be a non-negative int"):
            Route("/", upload, max_body_size=bad)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="max_body_size"):
            Router(max_body_size=bad)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="max_body_size"):
            Mount("/m", app=ReadAll(), max_body_size=bad)  # type: ignore[arg-type]


def counted_outside(app: Any, limit: int, limiters: list[BodyLimiter]) -> Any:
    """What a RequestBodyLimitMiddleware in front does: one limiter counting the body."""

    async def outer(scope: Scope, receive: Receive, send: Send) -> None:
        limiter = BodyLimiter(receive, limit, scope)
        limiter.install(scope)
        limiters.append(limiter)
        await app(scope, limiter.receive, send)

    return outer


async def test_a_limit_in_front_is_taken_over_not_stacked() -> None:
    router = Router(
        [
            Route("/big", upload, methods=["POST"], max_body_size=10),
            Route("/default", upload, methods=["POST"]),
        ],
        max_body_size=3,
    )
    limiters: list[BodyLimiter] = []
    app = counted_outside(router, 5, limiters)
    # The route's own limit replaces the one in front (the innermost wins) ...
    assert (await post(app, "/big", [b"1234", b"5678"], length=False)).text == "got 8"
    assert (limiters[-1].limit, limiters[-1].received) == (10, 8)  # counted once, in front
    # ... and so does the router's, for a route without one.
    assert (await post(app, "/default", [b"1234"], length=False)).status == 413
    assert limiters[-1].limit == 3


class ForeignRouter(ReadAll):
    """Another framework's router: it has `.routes`, but knows nothing of our body limits."""

    routes: list[Any] = []


async def test_a_mount_enforces_its_limit_around_a_foreign_router() -> None:
    router = Router([Mount("/m", app=ForeignRouter(), max_body_size=1024)])
    reply = await http(router, "POST", "/m/upload", body=[b"x" * 1000] * 5)
    assert reply.status == 413


async def test_a_mount_leaves_the_limit_to_a_router_of_ours() -> None:
    inner = Router([Route("/upload", upload, methods=["POST"], max_body_size=10_000)])
    router = Router([Mount("/m", app=inner, max_body_size=1024)])
    reply = await http(router, "POST", "/m/upload", body=[b"x" * 1000] * 5)
    assert (reply.status, reply.text) == (200, "got 5000")  # the innermost setting wins
