"""Which worker threads run blocking code: anyio's when it is installed, asyncio's otherwise."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import anyio.from_thread
import pytest

from asgi_protocol.concurrency import installed_anyio, open_in_threadpool, run_in_threadpool


@pytest.fixture
def without_anyio(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As if anyio were not installed: its import fails and the cached lookup is redone."""
    monkeypatch.setitem(sys.modules, "anyio", None)
    monkeypatch.setitem(sys.modules, "anyio.to_thread", None)
    installed_anyio.cache_clear()
    yield
    installed_anyio.cache_clear()


async def answer() -> int:
    return 42


def ask_the_loop() -> int:
    """What sync code written for Starlette does to call async code from its thread."""
    return anyio.from_thread.run(answer)


async def test_sync_code_can_call_back_into_the_loop_through_anyio() -> None:
    assert installed_anyio() is anyio
    assert await run_in_threadpool(ask_the_loop) == 42


async def test_the_anyio_thread_limiter_bounds_the_pool() -> None:
    limiter = anyio.to_thread.current_default_thread_limiter()
    seen: list[float] = []

    def borrowed() -> None:
        seen.append(limiter.borrowed_tokens)

    await run_in_threadpool(borrowed)
    assert seen == [1]


async def test_files_are_opened_through_anyio_open_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"abc")
    opened: list[Any] = []
    real_open_file = anyio.open_file

    async def tracking_open_file(file: Any, mode: str) -> Any:
        async_file = await real_open_file(file, mode)
        opened.append(async_file)
        return async_file

    monkeypatch.setattr(anyio, "open_file", tracking_open_file)
    file = await open_in_threadpool(path)
    try:
        assert file.read() == b"abc"
        assert [f.wrapped for f in opened] == [file]
    finally:
        file.close()
    assert opened[0].closed


async def test_without_anyio_the_loop_executor_runs_the_call(without_anyio: None) -> None:
    assert installed_anyio() is None

    def where() -> bool:
        return threading.current_thread() is threading.main_thread()

    assert await run_in_threadpool(where) is False


async def test_without_anyio_files_open_in_the_loop_executor(
    tmp_path: Path, without_anyio: None
) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"abc")
    with await open_in_threadpool(path) as file:
        assert file.read() == b"abc"
