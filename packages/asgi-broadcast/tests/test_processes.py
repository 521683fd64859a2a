"""Two uvicorn processes behind one real Redis deliver each other's messages."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from broadcast_servers import free_port, stop, wait_for_port
from websockets.asyncio.client import connect

HERE = Path(__file__).parent


def start_relay(name: str, redis_url: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {**os.environ, "RELAY_NAME": name, "BROADCAST_URL": redis_url}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "relay_app:app",
            "--app-dir",
            str(HERE),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifespan",
            "on",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    wait_for_port(port, process)
    return process, port


@pytest.fixture
def relays(redis_url: str) -> Iterator[tuple[int, int]]:
    started: list[subprocess.Popen[bytes]] = []
    try:
        first, first_port = start_relay("one", redis_url)
        started.append(first)
        second, second_port = start_relay("two", redis_url)
        started.append(second)
        yield first_port, second_port
    finally:
        for process in started:
            stop(process)
        for process in started:
            # uvicorn re-raises the SIGTERM it handled once shutdown completed.
            assert process.returncode in (0, -signal.SIGTERM), process.returncode


async def test_two_processes_deliver_each_others_messages(relays: tuple[int, int]) -> None:
    first_port, second_port = relays
    async with asyncio.timeout(20):
        async with (
            connect(f"ws://127.0.0.1:{first_port}/") as alice,
            connect(f"ws://127.0.0.1:{second_port}/") as bob,
        ):
            await alice.send("hi from alice")
            assert await bob.recv() == "one: hi from alice"
            assert await alice.recv() == "one: hi from alice"

            await bob.send("hi from bob")
            assert await alice.recv() == "two: hi from bob"
            assert await bob.recv() == "two: hi from bob"
