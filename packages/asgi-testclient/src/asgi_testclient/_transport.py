"""The `requests` transport adapter: it hands each prepared request to the ASGI app in-process.

Rules of this module:
- the request body is read on the caller's thread (generators and files may not be
  thread-safe) and fed to the app as one `http.request` message per chunk;
- the app runs as a task on the portal's loop; `send()` returns to the test as soon as the
  app has sent `http.response.start`, and the body is read from the running app chunk by chunk;
- each body message is a rendezvous: the app's `send` returns only once the test has taken the
  chunk, so a streaming app runs exactly as far ahead as the test reads (an endless stream is
  testable, and an app is never buffered whole);
- when the test is done with a response, a complete one waits for the app to return (background
  tasks included) and re-raises its error; an incomplete one cancels the app.
"""

from __future__ import annotations

import asyncio
import os
import weakref
from collections.abc import Iterable, Iterator
from email.message import Message as EmailMessage
from http import HTTPStatus
from http.client import HTTPMessage
from typing import Any

import requests
from requests.adapters import BaseAdapter
from requests.cookies import extract_cookies_to_jar
from requests.utils import get_encoding_from_headers

from asgi_protocol.types import ASGIApp, Message
from asgi_testclient._decode import Decoder
from asgi_testclient._portal import Portal
from asgi_testclient._response import CookieJar, Headers, TestResponse, slices
from asgi_testclient._scope import WEBSOCKET_SCHEMES, build_scope
from asgi_testclient.exceptions import ASGIProtocolError, NoResponseError

CHUNK_SIZE = 64 * 1024


def request_chunks(body: object) -> list[bytes]:
    """Split a prepared body into the chunks the app receives (one message each)."""
    if body is None:
        return []
    if isinstance(body, bytes):
        return [body]
    if isinstance(body, str):
        return [body.encode("utf-8")]
    if hasattr(body, "read"):
        chunks: list[bytes] = []
        while chunk := body.read(CHUNK_SIZE):
            chunks.append(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
        return chunks
    if isinstance(body, Iterable):
        return [c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body if c]
    raise TypeError(f"cannot send a request body of type {type(body).__name__}")


def _read_fd(message: Message) -> bytes:
    """The bytes a `http.response.zerocopysend` message points at."""
    file = message["file"]
    fd = file if isinstance(file, int) else file.fileno()
    offset = message.get("offset")
    count = message.get("count")
    if offset is not None:
        return os.pread(fd, count if count is not None else os.fstat(fd).st_size, offset)
    if count is not None:
        return os.read(fd, count)
    out = bytearray()
    while chunk := os.read(fd, CHUNK_SIZE):
        out += chunk
    return bytes(out)


# What the body channel carries: a chunk, or the end of the app.
_END = None


class Exchange:
    """One HTTP request in flight: the app's task and what it has sent so far.

    Everything but the `*_blocking` methods runs on the portal's loop.
    """

    def __init__(self, app: ASGIApp, scope: dict[str, Any], chunks: list[bytes]) -> None:
        self.app = app
        self.scope = scope
        self.status: int | None = None
        self.headers: list[tuple[bytes, bytes]] = []
        # Live objects: the response shows trailers and debug info as the app sends them.
        self.trailers: list[tuple[bytes, bytes]] = []
        self.extensions: dict[str, Any] = {}
        self.wants_trailers = False
        self.body_done = False  # the last body message was sent
        self.complete = False  # ... and the trailers, if any were announced
        self.error: BaseException | None = None
        self._pending = list(chunks)
        self._first = True
        self._started: asyncio.Event | None = None
        self._finished: asyncio.Event | None = None
        self._channel: asyncio.Queue[bytes | None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._abandoned = False

    # -- the app's side ---------------------------------------------------------------------

    async def receive(self) -> Message:
        if self._pending or self._first:  # an empty body is still one message
            self._first = False
            body = self._pending.pop(0) if self._pending else b""
            return {"type": "http.request", "body": body, "more_body": bool(self._pending)}
        assert self._finished is not None
        await self._finished.wait()  # like a server: nothing more until the response is out
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.debug":
            self.extensions["http.response.debug"] = dict(message.get("info", {}))
            return
        if kind == "http.response.push":
            return  # a push promise is advice to an HTTP/2 server; there is nothing to push
        if self.complete:
            raise ASGIProtocolError(f"the app sent {kind!r} after response completed")
        if kind == "http.response.start":
            if self.status is not None:
                raise ASGIProtocolError("the app sent 'http.response.start' twice")
            self.status = int(message["status"])
            self.headers = [(bytes(k), bytes(v)) for k, v in message.get("headers", [])]
            self.wants_trailers = bool(message.get("trailers", False))
            if self.wants_trailers:
                self.extensions["http.response.trailers"] = self.trailers
            assert self._started is not None
            self._started.set()
            return
        if kind == "http.response.trailers":
            if not self.wants_trailers:
                raise ASGIProtocolError(
                    "the app sent 'http.response.trailers' without declaring trailers"
                )
            if not self.body_done:
                raise ASGIProtocolError(
                    "the app sent 'http.response.trailers' before body completed"
                )
            self.trailers.extend((bytes(k), bytes(v)) for k, v in message.get("headers", []))
            if not message.get("more_trailers", False):
                self.complete = True
                self._delivered()
            return
        if self.status is None:
            raise ASGIProtocolError(f"the app sent {kind!r} before 'http.response.start'")
        if self.body_done:
            raise ASGIProtocolError(f"the app sent {kind!r} after body completed")
        if kind == "http.response.body":
            chunk, more = bytes(message.get("body", b"")), bool(message.get("more_body", False))
        elif kind == "http.response.pathsend":
            with open(message["path"], "rb") as file:  # noqa: ASYNC230 - a test client, small files
                chunk, more = file.read(), False
        elif kind == "http.response.zerocopysend":
            chunk, more = _read_fd(message), bool(message.get("more_body", False))
        else:
            raise ASGIProtocolError(f"the app sent an unexpected {kind!r} message on HTTP")
        if not more:
            self.body_done = True
            self.complete = not self.wants_trailers
        assert self._channel is not None
        if self._abandoned:
            return  # the test closed the response: what the app still sends goes nowhere
        await self._channel.put(chunk)
        await self._channel.join()  # the rendezvous: back to the app once the test took it

    async def _run(self) -> None:
        assert self._started is not None
        assert self._channel is not None
        try:
            await self.app(self.scope, self.receive, self.send)
        except asyncio.CancelledError:
            pass  # cancelled by the client: the test left an unfinished response
        except BaseException as exc:  # re-raised in the test
            self.error = exc
        finally:
            self._started.set()
            self._channel.put_nowait(_END)

    # -- the client's side, on the loop -----------------------------------------------------

    async def start(self) -> None:
        """Run the app until it has started its response (or ended)."""
        self._started, self._finished = asyncio.Event(), asyncio.Event()
        self._channel = asyncio.Queue()
        self._task = asyncio.create_task(self._run())
        await self._started.wait()

    async def next_chunk(self) -> bytes | None:
        """The next body chunk, or None once the body is over (or the app ended)."""
        assert self._channel is not None
        if self.body_done and self._channel.empty():
            return None
        chunk = await self._channel.get()
        self._channel.task_done()
        if self.complete:
            self._delivered()
        return chunk

    def _delivered(self) -> None:
        """The whole response reached the test: from now on the app's receive() says the
        client is gone (as a server's does once the response is sent)."""
        assert self._finished is not None
        self._finished.set()

    async def finish(self) -> None:
        """Wait for an app whose response is complete; cancel one whose response is not."""
        assert self._task is not None
        assert self._finished is not None
        assert self._channel is not None
        self._finished.set()  # a receive() after the response now sees http.disconnect
        self._abandoned = True
        while not self._channel.empty():  # unread chunks: let the app's send() return
            self._channel.get_nowait()
            self._channel.task_done()
        if not self._task.done() and not self.complete:
            self._task.cancel()
        await asyncio.wait([self._task])


class StreamingBody:
    """`response.raw`: reads the body from the running app, as the app sends it.

    requests reads it through `stream()` (as it does urllib3's response); `read()` works too.
    `trailers` holds the response trailers and `_original_response.msg` the headers that
    requests' cookie extraction reads.
    """

    def __init__(
        self,
        exchange: Exchange,
        portal: Portal,
        msg: EmailMessage,
        *,
        head: bool,
        content_encoding: str | None,
        raise_server_exceptions: bool,
        on_close: list[Any],
    ) -> None:
        self.exchange = exchange
        self.portal = portal
        self._original_response = _OriginalResponse(msg)
        self._head = head
        self._decoder = Decoder(content_encoding)
        self._raise = raise_server_exceptions
        self._closed = False
        self._on_close = on_close
        self._buffer = b""

    def _raw_chunks(self) -> Iterator[bytes]:
        while not self._closed:
            chunk = self.portal.call(self.exchange.next_chunk())
            if chunk is None:
                break
            if chunk and not self._head:
                yield chunk
        self.close()

    def stream(self, amt: int | None = None, decode_content: bool = True) -> Iterator[bytes]:
        """Each chunk as the app sent it (split to at most `amt` bytes), decoded if asked."""
        if self._buffer:
            pending, self._buffer = self._buffer, b""
            yield from slices(pending, amt)
        for raw in self._raw_chunks():
            yield from slices(self._decoder.feed(raw) if decode_content else raw, amt)
        if decode_content:
            yield from slices(self._decoder.flush(), amt)

    def read(self, amt: int | None = None, decode_content: bool = True) -> bytes:
        """Up to `amt` bytes (all of the rest if None); b"" at the end."""
        out = bytearray()
        for data in self.stream(None, decode_content):
            out += data
            if amt is not None and len(out) >= amt:
                break
        if amt is not None and len(out) > amt:
            self._buffer = bytes(out[amt:]) + self._buffer
            del out[amt:]
        return bytes(out)

    @property
    def trailers(self) -> Headers:
        """The response trailers received so far."""
        return Headers(self.exchange.trailers)

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Done with the response: wait for (or cancel) the app, then raise its error."""
        if self._closed:
            return
        self._closed = True
        self.portal.call(self.exchange.finish())
        for callback in self._on_close:
            callback()
        error, self.exchange.error = self.exchange.error, None
        if error is not None and self._raise:
            raise error

    def release_conn(self) -> None:
        """requests calls this when the response is closed."""
        self.close()


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class _OriginalResponse:
    """Stands in for `http.client.HTTPResponse`: requests reads Set-Cookie from its `.msg`."""

    def __init__(self, msg: EmailMessage) -> None:
        self.msg = msg


class ASGIAdapter(BaseAdapter):
    """Sends every request of a `requests.Session` to `app`, on an event loop of its portal.

    `portal()` gives the loop to use: the client's shared one inside `with TestClient(...)`, a
    fresh one per request outside it (as Starlette's client does).
    """

    def __init__(
        self,
        app: ASGIApp,
        portal: Any,
        *,
        raise_server_exceptions: bool = True,
        root_path: str = "",
        client: tuple[str, int] = ("testclient", 50000),
        state: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.app = app
        self.portal_for_request = portal
        self.raise_server_exceptions = raise_server_exceptions
        self.root_path = root_path
        self.client = client
        # The lifespan state; the client fills it on startup. Each request gets a shallow copy.
        self.state: dict[str, Any] = state if state is not None else {}
        # Responses still being read: closing the client cancels their apps.
        self._open: weakref.WeakSet[StreamingBody] = weakref.WeakSet()

    def scope_for(self, request: requests.PreparedRequest, kind: str) -> dict[str, Any]:
        return build_scope(
            request, kind=kind, root_path=self.root_path, client=self.client, state=self.state
        )

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: object = None,
        verify: object = True,
        cert: object = None,
        proxies: object = None,
    ) -> requests.Response:
        """Run the app for `request`; `timeout`, `verify`, `cert`, `proxies` mean nothing here."""
        scheme = (request.url or "").split(":", 1)[0].lower()
        if scheme in WEBSOCKET_SCHEMES:
            raise ValueError(
                f"{request.url!r} is a websocket URL: use client.websocket_connect() for it"
            )
        scope = self.scope_for(request, "http")
        chunks = request_chunks(request.body)
        portal, release = self.portal_for_request()
        exchange = Exchange(self.app, scope, chunks)
        try:
            portal.call(exchange.start())
        except BaseException:
            release()
            raise
        if exchange.status is None:
            portal.call(exchange.finish())
            release()
            error = exchange.error
            if error is not None and self.raise_server_exceptions:
                raise error
            if error is None and self.raise_server_exceptions:
                raise NoResponseError(
                    "the TestClient did not receive any response: the app returned without "
                    f"sending 'http.response.start' for {scope['method']} {request.url}"
                )
            # As Starlette's client: a bare 500, no headers, no body.
            exchange.status, exchange.body_done, exchange.complete = 500, True, True
            return self.build_response(request, exchange, portal, [], b"")
        response = self.build_response(request, exchange, portal, [release])
        # A streamed response nobody closes still stops its loop once it is garbage collected.
        weakref.finalize(response.raw, release)
        return response

    def build_response(
        self,
        request: requests.PreparedRequest,
        exchange: Exchange,
        portal: Portal,
        on_close: list[Any],
        body: bytes | None = None,
    ) -> requests.Response:
        status = exchange.status or 500
        msg = HTTPMessage()
        for name, value in exchange.headers:
            msg[name.decode("latin-1")] = value.decode("latin-1")
        headers = Headers(exchange.headers)
        response = TestResponse()
        response.status_code = status
        response.headers = headers
        response.extensions = exchange.extensions
        raw = StreamingBody(
            exchange,
            portal,
            msg,
            head=request.method == "HEAD",
            content_encoding=headers.get("content-encoding"),
            raise_server_exceptions=self.raise_server_exceptions,
            on_close=on_close,
        )
        if body is None:
            self._open.add(raw)
            on_close.append(lambda: self._open.discard(raw))
        else:
            raw._closed = True  # nothing runs: the body is already known
            response._content, response._content_consumed = body, True
        response.raw = raw
        response.reason = reason_phrase(status)
        response.url = request.url or ""
        response.encoding = get_encoding_from_headers(headers)
        response.request = request
        response.connection = self  # type: ignore[assignment]  # requests types it HTTPAdapter
        response.cookies = CookieJar()
        extract_cookies_to_jar(response.cookies, request, raw)  # type: ignore[no-untyped-call]
        return response

    def close(self) -> None:
        """Cancel the apps of responses nobody finished reading (the client is closing)."""
        for raw in list(self._open):  # a closed response is no longer in the set
            raw._raise = False
            raw.exchange.complete = False  # incomplete from now on: cancel, don't wait
            raw.close()
