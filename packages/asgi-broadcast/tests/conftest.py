"""A real redis-server on loopback, started and stopped by the tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from broadcast_servers import running_redis


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with running_redis() as url:
        yield url
