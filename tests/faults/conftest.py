"""The no_task_leaks fixture: every fault test must leave the loop as it found it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest


@pytest.fixture
async def no_task_leaks() -> AsyncIterator[None]:
    before = asyncio.all_tasks()
    yield
    for _ in range(5):  # let finished tasks be collected from the loop's set
        await asyncio.sleep(0)
    leaked = {t for t in asyncio.all_tasks() - before if not t.done()} - {asyncio.current_task()}
    assert not leaked, f"tasks leaked: {leaked}"
