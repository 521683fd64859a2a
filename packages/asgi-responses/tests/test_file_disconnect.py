"""FileResponse stops when the client is gone and never leaves its file open.

The bug this guards: under uvicorn (ASGI 2.3, which drops sends to a gone client silently),
500 Range downloads dropped after the first bytes kept reading their files to the end, so ~500
tasks and descriptors stayed alive and burned CPU.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import IO, Any

import pytest

import asgi_responses._file
from asgi_protocol.types import Message
from asgi_responses import FileResponse
from asgi_responses._file import CHUNK_SIZE
from asgi_tasks import BackgroundTask

RANGES = [None, b"bytes=0-", b"bytes=0-131071,196608-524287"]


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[IO[bytes]]:
    """Every file FileResponse opens, to check that each was closed."""
    files: list[IO[bytes]] = []
    real_open = asgi_responses._file.open_in_threadpool

    async def tracking_open(path: Any) -> IO[bytes]:
        file = await real_open(path)
        files.append(file)
        return file

    monkeypatch.setattr(asgi_responses._file, "open_in_threadpool", tracking_open)
    return files


@pytest.fixture
def big_file(tmp_path: Path) -> Path:
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * (8 * CHUNK_SIZE))
    return path


def scope_for(range_header: bytes | None, spec_version: str | None) -> dict[str, Any]:
    scope: dict[str, Any] = {
        "type": "http",
        "method": "GET",
        "headers": [] if range_header is None else [(b"range", range_header)],
    }
    if spec_version is not None:
        scope["asgi"] = {"spec_version": spec_version}
    return scope


@pytest.mark.parametrize("range_header", RANGES)
@pytest.mark.parametrize("spec_version", [None, "2.3", "2.3.1"])
async def test_stops_reading_on_disconnect_then_runs_background(
    big_file: Path,
    opened: list[IO[bytes]],
    range_header: bytes | None,
    spec_version: str | None,
) -> None:
    gone = asyncio.Event()
    requested = False
    sent = 0
    closed_before_background: list[bool] = []

    async def receive() -> Message:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        # Like uvicorn 2.3: once the client is gone a send neither fails nor returns soon.
        nonlocal sent
        if message["type"] == "http.response.body":
            sent += len(message["body"])
            if sent >= CHUNK_SIZE:
                gone.set()
                await asyncio.Event().wait()

    def background() -> None:
        closed_before_background.append(all(file.closed for file in opened))

    response = FileResponse(big_file, background=BackgroundTask(background))
    await asyncio.wait_for(response(scope_for(range_header, spec_version), receive, send), 5)
    assert sent < 8 * CHUNK_SIZE
    assert len(opened) == 1
    assert closed_before_background == [True]


@pytest.mark.parametrize("range_header", RANGES)
@pytest.mark.parametrize("spec_version", ["2.3", "2.4"])
async def test_a_failed_send_closes_the_file_and_propagates(
    big_file: Path,
    opened: list[IO[bytes]],
    range_header: bytes | None,
    spec_version: str,
) -> None:
    error = OSError("client gone")

    async def receive() -> Message:
        # From 2.4 on the failed send is the signal: receive() is not watched at all.
        assert spec_version != "2.4"
        await asyncio.Event().wait()
        raise AssertionError  # pragma: no cover

    async def send(message: Message) -> None:
        if message["type"] == "http.response.body":
            raise error

    with pytest.raises(OSError) as info:
        await FileResponse(big_file)(scope_for(range_header, spec_version), receive, send)
    assert info.value is error
    assert len(opened) == 1
    assert opened[0].closed


@pytest.mark.parametrize("range_header", RANGES)
@pytest.mark.parametrize("spec_version", ["2.3", "2.4"])
@pytest.mark.parametrize("repeat", [False, True])
async def test_cancellation_closes_the_file_and_skips_background(
    big_file: Path,
    opened: list[IO[bytes]],
    range_header: bytes | None,
    spec_version: str,
    repeat: bool,
) -> None:
    """`repeat` cancels again while the response cleans up, as anyio's cancel scopes do."""
    sending = asyncio.Event()

    async def receive() -> Message:
        await asyncio.Event().wait()
        raise AssertionError  # pragma: no cover

    async def send(message: Message) -> None:
        if message["type"] == "http.response.body":
            sending.set()
            await asyncio.Event().wait()

    def background() -> None:
        raise AssertionError("no background task after a cancellation")  # pragma: no cover

    response = FileResponse(big_file, background=BackgroundTask(background))
    task = asyncio.ensure_future(response(scope_for(range_header, spec_version), receive, send))
    await sending.wait()
    task.cancel()
    if repeat:
        for _ in range(3):
            await asyncio.sleep(0)
            task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(opened) == 1
    assert opened[0].closed


async def test_header_only_and_pathsend_do_not_watch_receive(big_file: Path) -> None:
    async def receive() -> Message:
        raise AssertionError("nothing to watch: no body is read")  # pragma: no cover

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await FileResponse(big_file)({"type": "http", "method": "HEAD", "headers": []}, receive, send)
    scope = {
        "type": "http",
        "method": "GET",
        "headers": [],
        "extensions": {"http.response.pathsend": {}},
    }
    await FileResponse(big_file)(scope, receive, send)
    assert [m["type"] for m in sent] == [
        "http.response.start",
        "http.response.body",
        "http.response.start",
        "http.response.pathsend",
    ]
