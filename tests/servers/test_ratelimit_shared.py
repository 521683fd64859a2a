"""Two uvicorn processes behind one redis-server share one rate limit, exactly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from server_helpers import Served, uvicorn_processes
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

LIMIT = 10


@pytest.fixture
def two_servers(redis_url: str, tmp_path: Path) -> Iterator[list[Served]]:
    env = {"RATELIMIT_REDIS_URL": redis_url, "RATELIMIT_LIMIT": str(LIMIT)}
    with uvicorn_processes("ratelimit_app:app", ("one", "two"), tmp_path, env) as started:
        yield started


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
