"""Uploads cut short: a client that disconnects or a server that cancels leaves no temp file."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from fault_helpers import Recorder, http_scope

from asgi_toolkit import App, formparsers
from asgi_toolkit.requests import Request
from asgi_toolkit.responses import JSONResponse, Response
from asgi_toolkit.routing import Route

pytestmark = pytest.mark.usefixtures("no_task_leaks")

BOUNDARY = "faultboundary"
HEADERS = [
    (b"host", b"testserver"),
    (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
]
HEAD = (
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="f"; filename="big.bin"\r\n\r\n'
).encode()
CHUNK = b"z" * (256 * 1024)


@pytest.fixture
def spools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Temp files go to tmp_path (named, so they can be counted); every spool is recorded."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    created: list[Any] = []
    real = tempfile.SpooledTemporaryFile

    def recording(*args: Any, **kwargs: Any) -> Any:
        spool = real(*args, **kwargs)
        created.append(spool)
        return spool

    # The form parsers' own name for it: what Starlette's tests patch too.
    monkeypatch.setattr(formparsers, "SpooledTemporaryFile", recording)
    return created


def app() -> App:
    async def upload(request: Request) -> Response:
        async with request.form() as form:
            return JSONResponse({"n": len(form)})

    return App(routes=[Route("/", upload, methods=["POST"])])


def leftovers(tmp_path: Path) -> list[str]:
    return [name for name in os.listdir(tmp_path) if name.startswith("tmp")]


async def test_client_disconnect_mid_upload_removes_temp_files(
    spools: list[Any], tmp_path: Path
) -> None:
    messages = [{"type": "http.request", "body": HEAD, "more_body": True}]
    messages += [{"type": "http.request", "body": CHUNK, "more_body": True}] * 8  # 2 MB
    messages.append({"type": "http.disconnect"})

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    send = Recorder()
    # The App answers nobody (tests/hostile/test_client_disconnect.py has the logging side).
    await app()(http_scope("/", "POST", HEADERS), receive, send)
    assert send.messages == []
    assert spools, "the upload never reached a temp file"
    assert all(spool.closed for spool in spools)
    assert leftovers(tmp_path) == []


async def test_server_cancelling_mid_upload_removes_temp_files(
    spools: list[Any], tmp_path: Path
) -> None:
    sent = 0
    stalled = asyncio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal sent
        sent += 1
        if sent == 1:
            return {"type": "http.request", "body": HEAD, "more_body": True}
        if sent <= 9:
            return {"type": "http.request", "body": CHUNK, "more_body": True}
        stalled.set()
        await asyncio.Event().wait()  # a body that never ends
        raise AssertionError("unreachable")  # pragma: no cover

    task = asyncio.ensure_future(app()(http_scope("/", "POST", HEADERS), receive, Recorder()))
    await asyncio.wait_for(stalled.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert spools
    assert all(spool.closed for spool in spools)
    assert leftovers(tmp_path) == []


async def test_completed_upload_closes_its_temp_files(spools: list[Any], tmp_path: Path) -> None:
    body = HEAD + CHUNK * 8 + f"\r\n--{BOUNDARY}--\r\n".encode()
    messages = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    send = Recorder()
    await app()(http_scope("/", "POST", HEADERS), receive, send)
    assert send.status == 200
    assert spools
    assert all(spool.closed for spool in spools)
    assert leftovers(tmp_path) == []
