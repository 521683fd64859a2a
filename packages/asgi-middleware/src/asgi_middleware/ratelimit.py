"""RateLimitMiddleware: at most `limit` requests per `window` seconds per client, then 429.

A fixed window per key: the first hit opens a window of `window` seconds, each hit in it counts
one, and the count starts again when it ends. It is the algorithm a store can do in one atomic
step (a Redis INCR with an expiry), so a limit shared by many processes is exact; the price is
that a client may spend two windows' worth across a boundary. Answers carry the
`RateLimit-Policy` and `RateLimit` fields of draft-ietf-httpapi-ratelimit-headers-10.
"""

from __future__ import annotations

import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Literal, Protocol

from asgi_middleware.exceptions import RateLimitStoreError
from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send
from asgi_responses import PlainTextResponse

# A policy name goes into the headers as a structured-field string and into store keys.
_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")

KeyFunction = Callable[[Scope], "str | None"]
Clock = Callable[[], float]


class RateLimitStore(Protocol):
    """Where the counts live: MemoryStore in one process, RedisStore across processes."""

    async def hit(self, key: str, window: int) -> tuple[int, float]:
        """Count one hit on `key`: (hits in the current window, seconds until it ends).

        Raises RateLimitStoreError when the count cannot be known.
        """
        ...  # pragma: no cover - a protocol


class MemoryStore:
    """Counts in a dict, for one process; at most `max_keys` keys, the oldest evicted first.

    Under a flood of distinct keys the dict stays bounded: expired windows go first, then the
    oldest live one (that key starts a fresh window: a flood can cost a limit, never memory).
    """

    def __init__(self, max_keys: int = 100_000, clock: Clock = time.monotonic) -> None:
        if max_keys < 1:
            raise ValueError(f"max_keys must be at least 1, not {max_keys!r}")
        self.max_keys = max_keys
        self.clock = clock
        # key -> [hits, end of window], in the order the windows opened (O(1) at both ends).
        self.windows: OrderedDict[str, list[float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self.windows)

    async def hit(self, key: str, window: int) -> tuple[int, float]:
        now = self.clock()
        entry = self.windows.get(key)
        if entry is not None and entry[1] > now:
            entry[0] += 1
            return int(entry[0]), entry[1] - now
        if entry is not None:
            del self.windows[key]  # it opens a new window: to the young end
        self._make_room(now)
        self.windows[key] = [1, now + window]
        return 1, float(window)

    def _make_room(self, now: float) -> None:
        """Drop the expired windows at the old end, and the oldest live one when full."""
        windows = self.windows
        while windows:
            oldest = windows[next(iter(windows))]
            if len(windows) < self.max_keys and oldest[1] > now:
                return
            windows.popitem(last=False)


def client_address(scope: Scope) -> str | None:
    """The default key: the peer's address (the real client's, with ProxyHeadersMiddleware in
    front); a scope without a client (a Unix socket) is not limited."""
    client = scope.get("client")
    return str(client[0]) if client else None


class RateLimitMiddleware:
    """`limit` requests (or WebSocket connects) per `window` seconds per key, then 429.

    `key(scope)` names whose budget a request spends (None: not limited); `name` is the policy's
    name in the headers and its prefix in the store, so limiters sharing a store must differ in
    name. `message_limit` caps the messages one WebSocket connection may send per `window`
    (close 1008 beyond). `on_error` says what a failing store means: "allow" lets requests
    through, "deny" answers 503.
    """

    def __init__(
        self,
        app: ASGIApp,
        limit: int,
        window: int = 60,
        *,
        store: RateLimitStore | None = None,
        key: KeyFunction = client_address,
        name: str = "default",
        message_limit: int | None = None,
        headers: bool = True,
        on_error: Literal["allow", "deny"] = "allow",
        clock: Clock = time.monotonic,
    ) -> None:
        for label, value in (
            ("limit", limit),
            ("window", window),
            ("message_limit", message_limit),
        ):
            if value is not None and (type(value) is not int or value < 1):
                raise ValueError(f"{label} must be a whole number of at least 1, not {value!r}")
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ValueError(f"name must be 1-64 of A-Z a-z 0-9 _ . -, not {name!r}")
        if on_error not in ("allow", "deny"):
            raise ValueError(f"on_error must be 'allow' or 'deny', not {on_error!r}")
        self.app = app
        self.limit = limit
        self.window = window
        self.store: RateLimitStore = MemoryStore(clock=clock) if store is None else store
        self.key = key
        self.name = name
        self.message_limit = message_limit
        self.headers = headers
        self.on_error = on_error
        self.clock = clock
        self.policy = (b"ratelimit-policy", f'"{name}";q={limit};w={window}'.encode("ascii"))
        self.state = f'"{name}";r=%d;t=%d'.encode("ascii")  # remaining, seconds left

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        who = self.key(scope) if kind in ("http", "websocket") else None
        if who is None:
            await self.app(scope, receive, send)
            return
        try:
            hits, reset = await self.store.hit(f"{self.name}:{who}", self.window)
        except RateLimitStoreError:
            if self.on_error == "allow":
                await self.app(scope, receive, send)
            elif kind == "websocket":
                await send(
                    {"type": "websocket.close", "code": 1011, "reason": "Rate limit unavailable"}
                )
            else:
                answer = PlainTextResponse(
                    "Rate limit unavailable", status_code=503, headers={"Retry-After": "1"}
                )
                await answer(scope, receive, send)
            return
        if hits > self.limit:
            await self.refuse(scope, receive, send, reset)
        elif kind == "websocket":
            await self.serve_websocket(scope, receive, send)
        elif self.headers:
            fields = self.fields(self.limit - hits, reset)

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = [*message.get("headers", ()), *fields]
                await send(message)

            await self.app(scope, receive, send_with_headers)
        else:
            await self.app(scope, receive, send)

    def fields(self, remaining: int, reset: float) -> tuple[tuple[bytes, bytes], ...]:
        return self.policy, (b"ratelimit", self.state % (remaining, math.ceil(reset)))

    async def refuse(self, scope: Scope, receive: Receive, send: Send, reset: float) -> None:
        if scope["type"] == "websocket":
            # Closing before accept: the server refuses the handshake (403 to the client).
            await send({"type": "websocket.close", "code": 1008, "reason": "Too Many Requests"})
            return
        headers = {"Retry-After": str(max(1, math.ceil(reset)))}
        if self.headers:
            headers.update((k.decode(), v.decode()) for k, v in self.fields(0, reset))
        await PlainTextResponse("Too Many Requests", 429, headers)(scope, receive, send)

    async def serve_websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The app with a receive that closes the connection (1008) past `message_limit`
        messages per window; what the app sends after that close is dropped."""
        limit = self.message_limit
        if limit is None:
            await self.app(scope, receive, send)
            return
        window, clock = self.window, self.clock
        hits, ends, closed = 0, clock() + window, False

        async def limited_receive() -> Message:
            nonlocal hits, ends, closed
            message = await receive()
            if message["type"] != "websocket.receive":
                return message
            now = clock()
            if now >= ends:
                hits, ends = 0, now + window
            hits += 1
            if hits <= limit:
                return message
            closed = True
            await send({"type": "websocket.close", "code": 1008, "reason": "Too Many Messages"})
            return {"type": "websocket.disconnect", "code": 1008, "reason": "Too Many Messages"}

        async def guarded_send(message: Message) -> None:
            if not closed:
                await send(message)

        await self.app(scope, limited_receive, guarded_send)


__all__ = ["MemoryStore", "RateLimitMiddleware", "RateLimitStore", "client_address"]
