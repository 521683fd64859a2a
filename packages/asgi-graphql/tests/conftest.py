"""Shared fixtures: every test starts with an empty event log."""

from __future__ import annotations

import pytest
from graphql_driver import EVENTS


@pytest.fixture(autouse=True)
def _clear_events() -> None:
    EVENTS.clear()
