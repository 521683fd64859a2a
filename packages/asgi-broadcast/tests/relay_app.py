"""A tiny ASGI app run by uvicorn in test_processes.py.

Every WebSocket client joins channel "chat": what it sends is published to the
broadcast (BROADCAST_URL) tagged with this process's NAME, and every event on the
channel is sent back to it. Pure ASGI, so the test needs no other package.
"""

from __future__ import annotations

import asyncio
import os

from asgi_broadcast import Broadcast
from asgi_protocol.types import Receive, Scope, Send

NAME = os.environ["RELAY_NAME"]
broadcast = Broadcast(os.environ["BROADCAST_URL"])


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await broadcast.connect()
                await send({"type": "lifespan.startup.complete"})
            else:
                await broadcast.disconnect()
                await send({"type": "lifespan.shutdown.complete"})
                return
    assert scope["type"] == "websocket"
    await receive()  # websocket.connect
    async with broadcast.subscribe("chat") as subscriber:
        # Subscribed before accepting, so the client sees everything sent after its handshake.
        await send({"type": "websocket.accept"})

        async def relay() -> None:
            async for event in subscriber:
                await send({"type": "websocket.send", "text": event.message})

        task = asyncio.create_task(relay())
        try:
            while True:
                message = await receive()
                if message["type"] == "websocket.disconnect":
                    break
                await broadcast.publish("chat", f"{NAME}: {message['text']}")
        finally:
            task.cancel()
            await asyncio.wait({task})
