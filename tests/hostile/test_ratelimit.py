"""Hostile clients against RateLimitMiddleware: floods of keys, spoofed forwarding headers.

A limit that a client escapes by lying about its address, or that a flood of distinct keys turns
into unbounded memory, protects nothing.
"""

from __future__ import annotations

import tracemalloc

from asgi_protocol.types import Message, Receive, Scope, Send
from asgi_testclient import TestClient
from asgi_toolkit import App
from asgi_toolkit.middleware import Middleware
from asgi_toolkit.middleware.proxyheaders import ProxyHeadersMiddleware
from asgi_toolkit.middleware.ratelimit import MemoryStore, RateLimitMiddleware
from asgi_toolkit.requests import Request
from asgi_toolkit.responses import PlainTextResponse
from asgi_toolkit.routing import Route


async def home(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


async def nothing(scope: Scope, receive: Receive, send: Send) -> None:
    return None


async def test_a_flood_of_distinct_keys_stays_bounded() -> None:
    store = MemoryStore(max_keys=1000)
    app = RateLimitMiddleware(nothing, 5, store=store, key=lambda scope: scope["k"])

    async def flood(keys: range) -> None:
        for n in keys:
            await app({"type": "http", "k": f"{n:064}"}, receive_nothing, send_nowhere)

    tracemalloc.start()
    try:
        await flood(range(1000))
        full, _ = tracemalloc.get_traced_memory()
        await flood(range(1000, 50_000))
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(store) == 1000
    assert after < full * 1.2  # 49 times the keys, the same memory
    assert next(reversed(store.windows)) == f"default:{49_999:064}"  # the newest are the ones kept


async def receive_nothing() -> Message:
    raise AssertionError("not read")  # pragma: no cover


async def send_nowhere(message: Message) -> None:
    raise AssertionError("not sent")  # pragma: no cover


def test_spoofed_forwarded_for_without_proxy_headers_is_ignored() -> None:
    app = App(routes=[Route("/", home)], middleware=[Middleware(RateLimitMiddleware, limit=2)])
    client = TestClient(app, client=("203.0.113.7", 1))
    statuses = [
        client.get(
            "/", headers={"x-forwarded-for": f"10.0.0.{n}", "forwarded": f"for=10.1.{n}.1"}
        ).status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 429, 429, 429]


def behind_the_proxy() -> App:
    """Limited to 2 per client, behind ProxyHeadersMiddleware trusting only 10.0.0.1."""
    return App(
        routes=[Route("/", home)],
        middleware=[
            Middleware(ProxyHeadersMiddleware, trusted_hosts="10.0.0.1"),
            Middleware(RateLimitMiddleware, limit=2),
        ],
    )


def test_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored() -> None:
    app = behind_the_proxy()
    client = TestClient(app, client=("203.0.113.7", 1))
    statuses = [
        client.get("/", headers={"x-forwarded-for": f"198.51.100.{n}"}).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 429, 429]


def test_a_chain_through_the_trusted_proxy_keys_by_the_nearest_untrusted_hop() -> None:
    app = behind_the_proxy()
    proxy = TestClient(app, client=("10.0.0.1", 1))
    # The client prepends made-up hops; the proxy appends the address it really saw.
    statuses = [
        proxy.get("/", headers={"x-forwarded-for": f"1.1.1.{n}, 203.0.113.7"}).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 429, 429]
