"""An app limited through Redis, for two server processes that must share one limit."""

from __future__ import annotations

import os

from asgi_middleware import RateLimitMiddleware
from asgi_middleware.ratelimit_redis import RedisStore
from asgi_protocol.types import Receive, Scope, Send


async def hello(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": 1000})
        return
    body = f"hello from {os.getpid()}".encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


app = RateLimitMiddleware(
    hello,
    int(os.environ["RATELIMIT_LIMIT"]),
    60,
    store=RedisStore(os.environ["RATELIMIT_REDIS_URL"]),
)
