"""The Redis backend against a real redis-server (see conftest.py)."""

from __future__ import annotations

import asyncio

import pytest
from broadcast_servers import free_port
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from asgi_broadcast import Broadcast, Event


async def numsub(redis_url: str, channel: str) -> int:
    client = Redis.from_url(redis_url)
    try:
        [(_, count)] = await client.pubsub_numsub(channel)
        return int(count)
    finally:
        await client.aclose()


async def test_redis_delivers_between_two_connections(redis_url: str) -> None:
    sender, receiver = Broadcast(redis_url), Broadcast(redis_url)
    async with sender, receiver, receiver.subscribe("room") as subscriber:
        await sender.publish("other", "not for us")
        await sender.publish("room", "héllo")
        async with asyncio.timeout(5):
            event = await anext(subscriber)
    assert event == Event("room", "héllo")


async def test_redis_unsubscribes_when_the_last_listener_leaves(redis_url: str) -> None:
    async with Broadcast(redis_url) as broadcast:
        async with broadcast.subscribe("lobby"), broadcast.subscribe("lobby"):
            assert await numsub(redis_url, "lobby") == 1  # one per process
        async with asyncio.timeout(5):
            while await numsub(redis_url, "lobby") != 0:
                await asyncio.sleep(0.02)


async def test_redis_disconnect_ends_iteration(redis_url: str) -> None:
    broadcast = Broadcast(redis_url)
    await broadcast.connect()
    async with broadcast.subscribe("c") as subscriber:
        await broadcast.disconnect()
        async with asyncio.timeout(5):
            assert [event async for event in subscriber] == []


@pytest.mark.parametrize("scheme", ["redis", "rediss"])
async def test_redis_unreachable_fails_on_connect(scheme: str) -> None:
    broadcast = Broadcast(f"{scheme}://127.0.0.1:{free_port()}")
    with pytest.raises(RedisConnectionError):
        async with asyncio.timeout(10):
            await broadcast.connect()
    with pytest.raises(RuntimeError, match="not connected"):
        await broadcast.publish("c", "m")
