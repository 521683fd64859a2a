"""CompressionMiddleware: zstd, br or gzip, negotiated from Accept-Encoding.

Whole bodies under `minimum_size` go out as they are; larger ones are compressed in one go;
streamed bodies are compressed chunk by chunk (each flushed), so nothing is buffered without
bound. A file the server would send itself (`http.response.pathsend`, zero-copy) is read and
compressed here when the client accepts a coding and the file is big enough; otherwise the
server still sends it. Responses that already have a Content-Encoding, partial content (206: its
byte ranges are of the unencoded body) and excluded content types (already compressed formats,
server-sent events, gRPC) are left alone, and their start goes out at once. Whatever a
response's coding, one that could have been compressed says `Vary: Accept-Encoding`, so caches
keep the variants apart.

Compressing a large body takes milliseconds (gzip level 9: about 1 ms per 32 KiB, 1 s for
25 MB), during which the event loop would serve nobody; bodies and chunks of at least
`thread_minimum_size` bytes are compressed in a worker thread instead (zlib, brotli and
zstandard release the GIL), which costs about 40 µs per hand-off.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from asgi_middleware._codecs import AVAILABLE, Encoder, choose_coding
from asgi_protocol.datastructures import MutableHeaders
from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_PREFERENCE = ("zstd", "br", "gzip")
DEFAULT_LEVELS = {"gzip": 9, "br": 4, "zstd": 3}
# Formats that are compressed already (or must stream unbuffered, or frame their own
# compression, as gRPC does): compressing them again costs CPU and saves nothing.
# `type/*` covers a whole type; `application/grpc` covers `application/grpc+proto` too.
DEFAULT_EXCLUDED_CONTENT_TYPES = (
    "application/grpc",
    "application/gzip",
    "application/x-gzip",
    "application/zip",
    "audio/*",
    "font/woff",
    "font/woff2",
    "image/avif",
    "image/gif",
    "image/jpeg",
    "image/png",
    "image/webp",
    "text/event-stream",
    "video/*",
)
# Measured (see the module docstring): from here on the loop would stall for about 1 ms.
THREAD_MINIMUM_SIZE = 32 * 1024
# A file the server would have sent itself (pathsend) is read in chunks of this size.
FILE_CHUNK_SIZE = 64 * 1024
# Distinct Accept-Encoding and Content-Type values remembered per middleware: a site sends a
# handful, so each is parsed once; a client sending endless variants only misses the cache.
CODING_CACHE_SIZE = 64

_executor: ThreadPoolExecutor | None = None


def _compression_executor() -> ThreadPoolExecutor:
    """Threads of their own: a burst of large bodies can't starve sync endpoints' thread pool."""
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(
            max_workers=os.cpu_count() or 1, thread_name_prefix="asgi-compression"
        )
    return _executor


def normalize_content_types(content_types: Sequence[str]) -> frozenset[str]:
    """`"Application/ZIP; charset=utf-8"` -> `"application/zip"`: parameters and case dropped."""
    if isinstance(content_types, str):
        raise TypeError("exclude_content_types must be a sequence of content types, not a str")
    return frozenset(t.partition(";")[0].strip().lower() for t in content_types)


def is_excluded(content_type: str, excluded: frozenset[str]) -> bool:
    """Whether a Content-Type value matches an excluded type exactly, by `type/*`, or as gRPC."""
    media_type = content_type.partition(";")[0].strip().lower()
    if media_type in excluded or media_type.partition("/")[0] + "/*" in excluded:
        return True
    return media_type.startswith("application/grpc+") and "application/grpc" in excluded


class CompressionMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        minimum_size: int = 500,
        exclude_content_types: Sequence[str] = DEFAULT_EXCLUDED_CONTENT_TYPES,
        codings: Sequence[str] = DEFAULT_PREFERENCE,
        levels: dict[str, int] | None = None,
        thread_minimum_size: int = THREAD_MINIMUM_SIZE,
    ) -> None:
        self.app = app
        self.minimum_size = minimum_size
        self.exclude_content_types = normalize_content_types(exclude_content_types)
        self.preference = tuple(c for c in codings if c in AVAILABLE)
        self.levels = {**DEFAULT_LEVELS, **(levels or {})}
        self.thread_minimum_size = thread_minimum_size
        self._codings: dict[bytes, str | None] = {}
        self._excluded: dict[bytes, bool] = {}

    def coding_for(self, accept_encoding: bytes) -> str | None:
        """The coding to answer an Accept-Encoding value with (cached per distinct value)."""
        try:
            return self._codings[accept_encoding]
        except KeyError:
            coding = choose_coding(accept_encoding.decode("latin-1"), self.preference)
            if len(self._codings) < CODING_CACHE_SIZE:
                self._codings[accept_encoding] = coding
            return coding

    def excludes(self, content_type: bytes) -> bool:
        """Whether responses of this Content-Type go out as they are (cached per value)."""
        try:
            return self._excluded[content_type]
        except KeyError:
            excluded = is_excluded(content_type.decode("latin-1"), self.exclude_content_types)
            if len(self._excluded) < CODING_CACHE_SIZE:
                self._excluded[content_type] = excluded
            return excluded

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        coding = None
        for key, value in scope["headers"]:
            if key == b"accept-encoding":
                coding = self.coding_for(value)
                break
        await self.app(scope, receive, _Responder(self, send, coding).send)

    async def respond(self, scope: Scope, receive: Receive, send: Send, coding: str | None) -> None:
        """Run the app with its response in `coding` (None: as it is), whatever was accepted."""
        await self.app(scope, receive, _Responder(self, send, coding).send)


class _Responder:
    """One response's compression state; `coding` None only adds the Vary header."""

    __slots__ = ("coding", "encoder", "initial", "middleware", "passthrough", "raw_send")

    def __init__(self, middleware: CompressionMiddleware, send: Send, coding: str | None) -> None:
        self.middleware = middleware
        self.raw_send = send
        self.coding = coding
        self.initial: Message | None = None
        self.passthrough = False
        self.encoder: Encoder | None = None

    async def send_initial(self) -> None:
        """Send the held-back start, once: later messages see `initial` as None."""
        initial, self.initial = self.initial, None
        assert initial is not None
        await self.raw_send(initial)

    async def pass_through(self, message: Message) -> None:
        """Send the start and `message` as they are, and every later message after them."""
        self.passthrough = True
        await self.send_initial()
        await self.raw_send(message)

    async def compress(self, encoder: Encoder, body: bytes, finish: bool) -> bytes:
        if len(body) < self.middleware.thread_minimum_size:
            return _run(encoder, body, finish)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(_compression_executor(), _run, encoder, body, finish)

    async def send_file(self, path: str) -> None:
        """A file the server was to send itself (pathsend), read here to be compressed."""
        loop = asyncio.get_running_loop()
        executor = _compression_executor()
        file = await loop.run_in_executor(executor, open, path, "rb")
        try:
            while chunk := await loop.run_in_executor(executor, file.read, FILE_CHUNK_SIZE):
                await self.send({"type": "http.response.body", "body": chunk, "more_body": True})
        finally:
            file.close()
        await self.send({"type": "http.response.body", "body": b"", "more_body": False})

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            # Left alone when known from the start: partial, already encoded, or excluded.
            if message.get("status") != 206:
                middleware = self.middleware
                for key, value in message.get("headers", ()):
                    if key == b"content-type":
                        # The cache inline: this runs once per response (bench: CORS + GZip).
                        excluded = middleware._excluded.get(value)
                        if excluded or (excluded is None and middleware.excludes(value)):
                            break
                    elif key == b"content-encoding":
                        break
                else:
                    self.initial = message  # held back until the first body chunk decides
                    return
            self.passthrough = True
            await self.raw_send(message)
            return
        if self.passthrough or (kind != "http.response.body" and self.initial is None):
            # Left alone; or before the start (early hints, a template's debug info) or after
            # it went out (trailers).
            await self.raw_send(message)
            return
        if kind != "http.response.body":
            if kind == "http.response.pathsend" and self.coding is not None:
                initial = self.initial
                assert initial is not None
                if _declared_length(initial) >= self.middleware.minimum_size:
                    await self.send_file(message["path"])
                    return
            # A small file, or no coding to apply: the server sends it itself, as it is.
            await self.pass_through(message)
            return
        body = message.get("body", b"")
        more_body = message.get("more_body", False)
        if self.encoder is not None:  # streaming, already compressing
            body = await self.compress(self.encoder, body, not more_body)
            await self.raw_send({**message, "body": body})
            return
        initial = self.initial
        assert initial is not None, "http.response.body before http.response.start"
        if not more_body and len(body) < self.middleware.minimum_size:  # small: as it is
            await self.pass_through(message)
            return
        headers = MutableHeaders(raw=list(initial.get("headers", ())))
        initial["headers"] = headers.raw
        headers.add_vary_header("Accept-Encoding")
        if self.coding is None:
            await self.pass_through(message)
            return
        encoder = AVAILABLE[self.coding](self.middleware.levels[self.coding])
        headers["content-encoding"] = self.coding
        compressed = await self.compress(encoder, body, not more_body)
        if more_body:
            self.encoder = encoder
            del headers["content-length"]
        elif initial.get("trailers", False):
            del headers["content-length"]  # trailers need a chunked body
        else:
            headers["content-length"] = str(len(compressed))
        await self.send_initial()
        await self.raw_send({**message, "body": compressed})


def _declared_length(start: Message) -> int:
    """The Content-Length of a response start; one that is missing or junk counts as large."""
    for key, value in start.get("headers", ()):
        if key == b"content-length":
            return int(value) if value.isdigit() else sys.maxsize
    return sys.maxsize


def _run(encoder: Encoder, body: bytes, finish: bool) -> bytes:
    """Compress one chunk (flushed, so it can be decoded at once); `finish` ends the stream."""
    compressed = encoder.compress(body)
    return compressed + encoder.flush() if finish else compressed


__all__ = ["CompressionMiddleware"]
