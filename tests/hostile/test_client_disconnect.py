"""A client that goes away is not a server error.

A disconnect mid-upload, mid-body or mid-response reaches the App as ClientDisconnect. The App
answers nothing (nobody is there to read it), calls no 500 handler, logs at most one short
line below WARNING with no traceback, and the half-parsed upload's temp files are closed.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from asgi_toolkit import App, formparsers
from asgi_toolkit.middleware import Middleware
from asgi_toolkit.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from asgi_toolkit.requests import Request
from asgi_toolkit.responses import JSONResponse, Response, StreamingResponse
from asgi_toolkit.routing import Route

BOUNDARY = "disconnectboundary"
HEAD = (
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="f"; filename="big.bin"\r\n\r\n'
).encode()
CHUNK = b"z" * (256 * 1024)


async def form(request: Request) -> Response:
    uploaded = await request.form()  # no `async with`: the App must not rely on it
    return JSONResponse({"n": len(uploaded)})


async def body(request: Request) -> Response:
    return JSONResponse({"n": len(await request.body())})


async def stream(request: Request) -> Response:
    async def endless() -> AsyncIterator[bytes]:
        while True:
            yield b"tick\n"

    return StreamingResponse(endless())


class PassThrough(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        return await call_next(request)


handled: list[BaseException] = []


async def on_error(request: Request, exc: Exception) -> Response:
    handled.append(exc)
    return JSONResponse({"error": True}, status_code=500)


ROUTES = [
    Route("/form", form, methods=["POST"]),
    Route("/body", body, methods=["POST"]),
    Route("/stream", stream),
]
APPS = {
    "plain": lambda: App(routes=ROUTES),
    "debug": lambda: App(routes=ROUTES, debug=True),
    "500 handler": lambda: App(routes=ROUTES, exception_handlers={Exception: on_error}),
    "user middleware": lambda: App(routes=ROUTES, middleware=[Middleware(PassThrough)]),
}


def scope(path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": "GET" if path == "/stream" else "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
            (b"content-length", b"4000000"),
        ],
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 50000),
        "state": {},
        "extensions": {},
    }


def cut_body() -> list[dict[str, Any]]:
    """Half of a 4 MB upload (2 MB: past the 1 MiB spool, so on disk), then the client leaves."""
    messages: list[dict[str, Any]] = [{"type": "http.request", "body": HEAD, "more_body": True}]
    messages += [{"type": "http.request", "body": CHUNK, "more_body": True}] * 8
    return [*messages, {"type": "http.disconnect"}]


@pytest.fixture
def spools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    created: list[Any] = []
    real = tempfile.SpooledTemporaryFile

    def recording(*args: Any, **kwargs: Any) -> Any:
        spool = real(*args, **kwargs)
        created.append(spool)
        return spool

    monkeypatch.setattr(formparsers, "SpooledTemporaryFile", recording)
    return created


def open_files_under(directory: Path) -> list[str]:
    """Files this process still holds open in `directory` (unlinked temp files included)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # closed meanwhile
            continue
        if target.startswith(str(directory)):
            found.append(target)
    return found


async def serve(app: App, path: str) -> list[dict[str, Any]]:
    """Run one request whose client leaves part-way; what the app sent."""
    incoming = cut_body() if path != "/stream" else [{"type": "http.request", "body": b""}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if path == "/stream" and message["type"] == "http.response.body" and sent:
            raise OSError("client gone")  # ASGI 2.4: a send to a gone client raises OSError
        sent.append(message)

    await app(scope(path), receive, send)  # returns: a disconnect is no error of the app
    return sent


def assert_quiet(records: list[logging.LogRecord]) -> None:
    noted = [r for r in records if r.name.startswith(("asgi", "uvicorn"))]
    assert all(r.levelno < logging.WARNING for r in noted), [r.getMessage() for r in noted]
    assert all(r.exc_info is None and not r.exc_text for r in noted)
    assert len(noted) <= 1, [r.getMessage() for r in noted]
    assert all("\n" not in r.getMessage() and len(r.getMessage()) < 200 for r in noted)


@pytest.mark.parametrize("app_kind", list(APPS))
@pytest.mark.parametrize("path", ["/form", "/body"])
async def test_a_client_leaving_mid_body_gets_no_answer_and_no_error_log(
    app_kind: str,
    path: str,
    spools: list[Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    handled.clear()
    caplog.set_level(logging.DEBUG)
    sent = await serve(APPS[app_kind](), path)
    assert sent == []
    assert handled == []  # a 500 handler hears of server errors only
    assert_quiet(caplog.records)
    if path == "/form":
        assert spools, "the upload never reached a temp file"
        assert all(spool.closed for spool in spools)
    assert open_files_under(tmp_path) == []


@pytest.mark.parametrize("app_kind", list(APPS))
async def test_a_client_leaving_mid_response_is_no_error_either(
    app_kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    handled.clear()
    caplog.set_level(logging.DEBUG)
    sent = await serve(APPS[app_kind](), "/stream")
    assert [m["type"] for m in sent] == ["http.response.start"]  # began, then the client left
    assert handled == []
    assert_quiet(caplog.records)


async def test_the_one_line_says_who_left_and_where(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await serve(App(routes=ROUTES), "/body")
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.DEBUG, "client 127.0.0.1:50000 disconnected: POST '/body'")
    ]
