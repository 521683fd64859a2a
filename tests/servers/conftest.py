"""Fixtures for tests/servers: the helpers live in server_helpers (a unique module name)."""

import sys
from collections.abc import Iterator

import pytest
from server_helpers import ROOT, served

# One home for starting redis-server in tests: asgi-broadcast's helpers (stdlib and pytest only).
sys.path.insert(0, str(ROOT / "packages" / "asgi-broadcast" / "tests"))
from broadcast_servers import running_redis


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """A real redis-server on loopback, for the module's tests."""
    with running_redis() as url:
        yield url


__all__ = ["redis_url", "served"]
