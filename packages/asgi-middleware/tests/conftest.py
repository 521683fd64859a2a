"""A real redis-server for the Redis stores' tests (rate limits, sessions).

One home for starting redis-server in tests: asgi-broadcast's helpers (stdlib and pytest only).
"""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "asgi-broadcast" / "tests"))
from broadcast_servers import running_redis


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """A redis-server on loopback for the module's tests."""
    with running_redis() as url:
        yield url
