"""Two uvicorn processes behind one redis-server share one rate limit, exactly."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from server_helpers import ROOT, Served, free_port, wait_until_listening
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

# One home for starting redis-server in tests: asgi-broadcast's helpers (stdlib and pytest only).
sys.path.insert(0, str(ROOT / "packages" / "asgi-broadcast" / "tests"))
from broadcast_servers import running_redis

LIMIT = 10
HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with running_redis() as url:
        yield url


@pytest.fixture
def two_servers(redis_url: str, tmp_path: Path) -> Iterator[list[Served]]:
    env = dict(
        os.environ, RATELIMIT_REDIS_URL=redis_url, RATELIMIT_LIMIT=str(LIMIT), PYTHONUNBUFFERED="1"
    )
    started: list[Served] = []
    try:
        for name in ("one", "two"):
            port = free_port()
            log = tmp_path / f"{name}.txt"
            with log.open("wb") as sink:
                process = subprocess.Popen(
                    [
                        *(
                            sys.executable,
                            "-m",
                            "uvicorn",
                            "ratelimit_app:app",
                            "--lifespan",
                            "off",
                        ),
                        *("--host", "127.0.0.1", "--port", str(port), "--app-dir", str(HERE)),
                    ],
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=sink,
                    stderr=subprocess.STDOUT,
                )
            started.append(Served("uvicorn", port, process, log))
            wait_until_listening(started[-1])
        yield started
    finally:
        for served in started:
            served.stop()


def test_requests_spread_over_two_processes_share_one_limit(two_servers: list[Served]) -> None:
    answers = [requests.get(two_servers[n % 2].base, timeout=10) for n in range(LIMIT + 1)]
    ok = [a for a in answers if a.status_code == 200]
    assert len(ok) == LIMIT, [a.status_code for a in answers]
    assert len({a.text for a in ok}) == 2  # both processes answered some
    refused = answers[-1]
    assert (refused.status_code, refused.text) == (429, "Too Many Requests")
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["ratelimit"].startswith('"default";r=0;t=')
    # The same budget: a WebSocket handshake over it is refused (close before accept).
    with pytest.raises(InvalidStatus) as info:
        connect(f"ws://127.0.0.1:{two_servers[0].port}/", open_timeout=10).close()
    assert info.value.response.status_code == 403
