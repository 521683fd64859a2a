"""A real redis-server on loopback, started and stopped by the tests."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from broadcast_servers import free_port, redis_server_binary, stop, wait_for_port


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [
            redis_server_binary(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        yield f"redis://127.0.0.1:{port}"
    finally:
        stop(process)
