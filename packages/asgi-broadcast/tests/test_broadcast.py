"""Broadcast over the in-memory backend: the whole public behaviour."""

from __future__ import annotations

import asyncio
import sys

import pytest

from asgi_broadcast import Broadcast, Event, MemoryBackend, Subscriber


async def next_event(subscriber: Subscriber) -> Event:
    async with asyncio.timeout(2):
        return await anext(subscriber)


async def assert_silent(subscriber: Subscriber) -> None:
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.05):
            await anext(subscriber)


async def test_publish_reaches_subscriber() -> None:
    async with Broadcast("memory://") as broadcast, broadcast.subscribe("chat") as subscriber:
        await broadcast.publish("chat", "hello")
        event = await next_event(subscriber)
    assert event == Event(channel="chat", message="hello")
    assert (event.channel, event.message) == ("chat", "hello")


async def test_async_for_yields_events_in_order() -> None:
    async with Broadcast("memory://") as broadcast, broadcast.subscribe("chat") as subscriber:
        for text in ("a", "b", "c"):
            await broadcast.publish("chat", text)
        seen: list[str] = []
        async with asyncio.timeout(2):
            async for event in subscriber:
                seen.append(event.message)
                if len(seen) == 3:
                    break
    assert seen == ["a", "b", "c"]


async def test_only_the_channel_subscribed_to() -> None:
    async with Broadcast("memory://") as broadcast, broadcast.subscribe("a") as on_a:
        await broadcast.publish("b", "for b")
        await broadcast.publish("nobody", "dropped")
        await broadcast.publish("a", "for a")
        assert await next_event(on_a) == Event("a", "for a")
        await assert_silent(on_a)


async def test_every_subscriber_of_a_channel_gets_each_event() -> None:
    broadcast = Broadcast("memory://")
    async with broadcast, broadcast.subscribe("chat") as one, broadcast.subscribe("chat") as two:
        await broadcast.publish("chat", "to both")
        assert await next_event(one) == Event("chat", "to both")
        assert await next_event(two) == Event("chat", "to both")


async def test_leaving_stops_delivery_but_others_keep_listening() -> None:
    async with Broadcast("memory://") as broadcast, broadcast.subscribe("chat") as stays:
        async with broadcast.subscribe("chat") as leaves:
            pass
        await broadcast.publish("chat", "after")
        assert await next_event(stays) == Event("chat", "after")
        await assert_silent(leaves)


async def test_resubscribe_after_everyone_left() -> None:
    async with Broadcast("memory://") as broadcast:
        async with broadcast.subscribe("chat"):
            pass
        async with broadcast.subscribe("chat") as again:
            await broadcast.publish("chat", "back")
            assert await next_event(again) == Event("chat", "back")


async def test_connect_and_disconnect_explicitly() -> None:
    broadcast = Broadcast("memory://")
    await broadcast.connect()
    async with broadcast.subscribe("c") as subscriber:
        await broadcast.publish("c", "m")
        assert await next_event(subscriber) == Event("c", "m")
    await broadcast.disconnect()
    with pytest.raises(RuntimeError, match="not connected"):
        await broadcast.publish("c", "m")
    await broadcast.connect()  # reconnecting works
    await broadcast.disconnect()


async def test_disconnect_ends_open_iteration() -> None:
    broadcast = Broadcast("memory://")
    await broadcast.connect()
    received: list[Event] = []

    async def listen() -> None:
        async with broadcast.subscribe("chat") as subscriber:
            async for event in subscriber:
                received.append(event)

    task = asyncio.create_task(listen())
    await asyncio.sleep(0.01)
    await broadcast.publish("chat", "one")
    await asyncio.sleep(0.01)
    await broadcast.disconnect()
    async with asyncio.timeout(2):
        await task  # the async for ended and the block exited without error
    assert received == [Event("chat", "one")]


async def test_transport_failure_reaches_subscribers(monkeypatch: pytest.MonkeyPatch) -> None:
    async with Broadcast("memory://") as broadcast, broadcast.subscribe("chat") as subscriber:
        failure = OSError("transport lost")

        async def broken() -> Event:
            raise failure

        monkeypatch.setattr(MemoryBackend, "next_published", lambda self: broken())
        await broadcast.publish("chat", "wake the listener")
        with pytest.raises(OSError, match="transport lost"):
            await next_event(subscriber)


def test_unknown_scheme_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="'kafka'"):
        Broadcast("kafka://localhost:9092")
    with pytest.raises(ValueError, match="''"):
        Broadcast("localhost")


async def test_use_before_connect_is_a_runtime_error() -> None:
    broadcast = Broadcast("memory://")
    with pytest.raises(RuntimeError, match="not connected"):
        await broadcast.publish("c", "m")
    with pytest.raises(RuntimeError, match="not connected"):
        async with broadcast.subscribe("c"):
            pass  # pragma: no cover - never entered
    with pytest.raises(RuntimeError, match="not connected"):
        await broadcast.disconnect()


async def test_connect_twice_is_a_runtime_error() -> None:
    async with Broadcast("memory://") as broadcast:
        with pytest.raises(RuntimeError, match="already connected"):
            await broadcast.connect()


def test_redis_without_the_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis.asyncio", None)
    with pytest.raises(RuntimeError, match=r"asgi-broadcast\[redis\]"):
        Broadcast("redis://127.0.0.1:6379")
