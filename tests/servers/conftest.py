"""Fixtures for tests/servers: the helpers live in server_helpers (a unique module name)."""

from server_helpers import served

__all__ = ["served"]
