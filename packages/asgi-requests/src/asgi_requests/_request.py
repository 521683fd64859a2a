"""Request: an HTTPConnection that can read its body."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from types import TracebackType
from typing import Any, Generic, TypeVar

from asgi_protocol.datastructures import FormData
from asgi_protocol.jsontext import decode_json
from asgi_protocol.types import Message, Receive, Scope, Send
from asgi_requests._connection import HTTPConnection, StateT
from asgi_requests._forms import parse_options_header
from asgi_requests._limits import limit_receive
from asgi_requests.exceptions import BodyAlreadyConsumed, ClientDisconnect
from asgi_requests.formparsers import FormParser, MultiPartParser

T = TypeVar("T")


async def empty_receive() -> Message:
    raise RuntimeError("Receive channel has not been made available")


async def empty_send(message: Message) -> None:
    raise RuntimeError("Send channel has not been made available")


class AwaitableOrContextManager(Generic[T]):
    """`await request.form()` or `async with request.form() as form:` (which closes files)."""

    __slots__ = ("_aw", "_close", "_result")

    def __init__(self, aw: Awaitable[T], close: Callable[[], Awaitable[None]]) -> None:
        self._aw = aw
        self._close = close

    def __await__(self) -> Generator[Any, None, T]:
        return self._aw.__await__()

    async def __aenter__(self) -> T:
        return await self._aw

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._close()


_NOT_READ: Any = object()


_PUSH_HEADERS = frozenset(
    (b"accept", b"accept-encoding", b"accept-language", b"cache-control", b"user-agent")
)


# The request's parsed form, once the app has read it: for those who see the scope but not this
# Request, such as the debug page (which must never read a body itself).
FORM_SCOPE_KEY = "asgi_toolkit.form"


class Request(HTTPConnection[StateT]):
    scope_types = ("http",)
    # Per-request state starts at these class-level defaults (cheap construction, hot path).
    _stream_consumed = False
    _is_disconnected = False
    _body: bytes | None = None
    _json: Any = _NOT_READ
    _form: FormData | None = None

    def __init__(
        self,
        scope: Scope,
        receive: Receive = empty_receive,
        send: Send = empty_send,
        *,
        max_body_size: int | None = None,
    ) -> None:
        # The parent's check and assignment (named, not super(): cheaper on this hot path).
        HTTPConnection.__init__(self, scope)
        self._receive = receive if max_body_size is None else limit_receive(receive, max_body_size)
        self._send = send

    @property
    def method(self) -> str:
        return self.scope["method"]  # type: ignore[no-any-return]

    @property
    def receive(self) -> Receive:
        return self._receive

    async def stream(self) -> AsyncIterator[bytes]:
        """The body chunk by chunk; after body() it replays the cached body.

        The body is consumed once its last message has been received, not when a stream
        starts: two streams opened before then share the rest of the body between them.
        """
        if self._body is not None:
            yield self._body
            yield b""
            return
        if self._stream_consumed:
            raise BodyAlreadyConsumed(
                "Stream consumed: the request body has already been streamed. To read it twice, "
                "read it whole first: `await request.body()` keeps it, and stream(), json() and "
                "form() then read that copy"
            )
        while not self._stream_consumed:
            message = await self._receive()
            if message["type"] == "http.request":
                if not message.get("more_body", False):
                    self._stream_consumed = True
                body = message.get("body", b"")
                if body:
                    yield body
            elif message["type"] == "http.disconnect":
                self._is_disconnected = True
                raise ClientDisconnect()
        yield b""

    async def body(self) -> bytes:
        if self._body is None:
            self._body = b"".join([chunk async for chunk in self.stream()])
        return self._body

    async def json(self) -> Any:
        """The body as JSON, by asgi_protocol's rule for JSON from clients (`decode_json`).

        What it refuses raises InvalidJSON, a json.JSONDecodeError (routing maps it to 400).
        """
        if self._json is _NOT_READ:
            self._json = decode_json(await self.body())
        return self._json

    async def _get_form(
        self, max_files: int, max_fields: int, max_part_size: int, max_file_size: int | None
    ) -> FormData:
        if self._form is None:
            content_type, _ = parse_options_header(self.headers.get("content-type", ""))
            if content_type == "multipart/form-data":
                parser = MultiPartParser(
                    self.headers,
                    self.stream(),
                    max_files=max_files,
                    max_fields=max_fields,
                    max_part_size=max_part_size,
                    max_file_size=max_file_size,
                )
                self._form = await parser.parse()
            elif content_type == "application/x-www-form-urlencoded":
                form_parser = FormParser(
                    self.headers, self.stream(), max_fields=max_fields, max_part_size=max_part_size
                )
                self._form = await form_parser.parse()
            else:
                self._form = FormData()
            self.scope[FORM_SCOPE_KEY] = self._form
        return self._form

    def form(
        self,
        *,
        max_files: int = 1000,
        max_fields: int = 1000,
        max_part_size: int = 1024 * 1024,
        max_file_size: int | None = None,
    ) -> AwaitableOrContextManager[FormData]:
        return AwaitableOrContextManager(
            self._get_form(max_files, max_fields, max_part_size, max_file_size), self.close
        )

    async def close(self) -> None:
        if self._form is not None:
            await self._form.close()

    async def is_disconnected(self) -> bool:
        """Whether the client has gone; looks at the receive channel without waiting on it."""
        if not self._is_disconnected:
            task = asyncio.ensure_future(self._receive())
            await asyncio.sleep(0)
            if task.done():
                if task.result()["type"] == "http.disconnect":
                    self._is_disconnected = True
            else:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        return self._is_disconnected

    async def send_push_promise(self, path: str) -> None:
        """Ask an HTTP/2 server to push `path`; a no-op where the server can't."""
        if "http.response.push" in (self.scope.get("extensions") or {}):
            raw = [(k, v) for k, v in self.headers.raw if k in _PUSH_HEADERS]
            await self._send({"type": "http.response.push", "path": path, "headers": raw})

    async def send_early_hints(self, link: str, /, *additional_links: str) -> None:
        """Send `103 Early Hints` with these `Link` values; a no-op where the server can't.

        Sent before the response, so the browser can start fetching what the page needs.
        """
        links = [link, *additional_links]
        for value in links:
            if any(c in value for c in "\r\n\0"):
                raise ValueError(f"Link values can't hold CR, LF or NUL: {value!r}")
        if "http.response.early_hint" in (self.scope.get("extensions") or {}):
            encoded = [value.encode("latin-1") for value in links]
            await self._send({"type": "http.response.early_hint", "links": encoded})
