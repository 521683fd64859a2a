"""WSGIMiddleware: serve a WSGI app (PEP 3333) from ASGI, for Starlette compatibility.

Deprecated, as in Starlette: importing this module warns (ToolkitDeprecationWarning); a2wsgi
is the maintained replacement. The WSGI app runs in the thread pool and each chunk it yields
is sent before it is asked for the next, so a slow client holds it back instead of filling
memory. The response starts with the first non-empty chunk, so a `start_response` with
`exc_info` can still replace the status; the iterable's `close()` is always called.
"""

from __future__ import annotations

import asyncio
import io
import sys
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from asgi_protocol.concurrency import run_in_threadpool
from asgi_protocol.exceptions import ToolkitDeprecationWarning
from asgi_protocol.types import Message, Receive, Scope, Send

warnings.warn(
    "asgi_middleware.wsgi is deprecated and will be removed in a future release; "
    "a2wsgi (https://github.com/abersheeran/a2wsgi) is the replacement.",
    ToolkitDeprecationWarning,
    stacklevel=2,
)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def build_environ(scope: Scope, body: bytes) -> dict[str, Any]:
    """The WSGI environ of an HTTP scope and its whole body.

    Text is "bytes as latin-1", as PEP 3333 wants (a UTF-8 path arrives as its bytes);
    SERVER_PORT is a string, as PEP 3333 wants; repeated headers are joined with ",", and
    repeated Cookie headers (HTTP/2 splits them) with "; ".
    """
    script_name = scope.get("root_path", "").encode("utf-8").decode("latin-1")
    path_info = scope["path"].encode("utf-8").decode("latin-1")
    if path_info == script_name or path_info.startswith(script_name.rstrip("/") + "/"):
        path_info = path_info[len(script_name) :]
    server = scope.get("server") or ("localhost", 80)  # required by WSGI, optional in ASGI
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": script_name,
        "PATH_INFO": path_info,
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "SERVER_NAME": server[0],
        "SERVER_PORT": str(server[1]),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stdout,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if scope.get("client"):
        environ["REMOTE_ADDR"] = scope["client"][0]
    for raw_name, raw_value in scope.get("headers", ()):
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        if name not in ("CONTENT_LENGTH", "CONTENT_TYPE"):
            name = "HTTP_" + name
        value = raw_value.decode("latin-1")
        if name in environ:
            value = environ[name] + ("; " if name == "HTTP_COOKIE" else ",") + value
        environ[name] = value
    return environ


class WSGIMiddleware:
    """An ASGI app answering HTTP with a WSGI app (other scopes are refused with TypeError)."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            raise TypeError(f"WSGIMiddleware serves HTTP only, not {scope['type']!r}")
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client left before sending it all
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        responder = _Responder(asyncio.get_running_loop(), send)
        await run_in_threadpool(responder.run, self.app, build_environ(scope, b"".join(chunks)))
        if responder.exc_info is not None:  # the app answered an error: now the server hears it
            raise responder.exc_info[1].with_traceback(responder.exc_info[2])


class _Responder:
    """One request's WSGI side, run in a worker thread; each send waits on the loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, send: Send) -> None:
        self.loop = loop
        self.send = send
        self.start: Message | None = None  # held back until the first non-empty chunk
        self.started = False
        self.exc_info: Any = None

    async def _deliver(self, message: Message) -> None:
        await self.send(message)

    def _send(self, message: Message) -> None:
        """From the worker thread: send on the loop, and wait until it is sent."""
        asyncio.run_coroutine_threadsafe(self._deliver(message), self.loop).result()

    def start_response(
        self, status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        if exc_info is not None:
            self.exc_info = exc_info
            if self.started:  # too late to change the answer: PEP 3333 says re-raise
                raise exc_info[1].with_traceback(exc_info[2])
        elif self.start is not None:
            raise RuntimeError("start_response was called twice without exc_info")
        raw = []
        for name, value in headers:
            if any(c in name + value for c in "\r\n\0"):
                raise ValueError(f"WSGI header {name!r} holds CR, LF or NUL")
            raw.append((name.strip().lower().encode("latin-1"), value.strip().encode("latin-1")))
        code = int(status.split(" ", 1)[0])
        self.start = {"type": "http.response.start", "status": code, "headers": raw}
        return self.write

    def write(self, data: bytes) -> None:
        """PEP 3333's write(): a body chunk sent now (for old apps; yielding is better)."""
        if data:
            self._begin()
            self._send({"type": "http.response.body", "body": data, "more_body": True})

    def _begin(self) -> None:
        if not self.started:
            if self.start is None:
                raise RuntimeError("The WSGI app sent a body before calling start_response")
            self.started = True
            self._send(self.start)

    def run(self, app: WSGIApp, environ: dict[str, Any]) -> None:
        result = app(environ, self.start_response)
        try:
            for chunk in result:
                self.write(chunk)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        self._begin()
        self._send({"type": "http.response.body", "body": b"", "more_body": False})


__all__ = ["WSGIMiddleware", "build_environ"]
