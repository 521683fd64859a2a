"""CompressionMiddleware: zstd, br or gzip, negotiated from Accept-Encoding.

Whole bodies under `minimum_size` go out as they are; larger ones are compressed in one go;
streamed bodies are compressed chunk by chunk (each flushed), so nothing is buffered without
bound. Responses that already have a Content-Encoding, or an excluded media type (server-sent
events by default), are left alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from asgi_middleware._codecs import AVAILABLE, Encoder, choose_coding
from asgi_protocol.datastructures import MutableHeaders
from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_PREFERENCE = ("zstd", "br", "gzip")
DEFAULT_LEVELS = {"gzip": 9, "br": 4, "zstd": 3}
# Distinct Accept-Encoding values remembered per middleware: browsers send a handful, so the
# parse runs once per value; a client sending endless variants only misses the cache.
CODING_CACHE_SIZE = 64


class CompressionMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        minimum_size: int = 500,
        exclude_media_types: Sequence[str] = ("text/event-stream",),
        codings: Sequence[str] = DEFAULT_PREFERENCE,
        levels: dict[str, int] | None = None,
    ) -> None:
        self.app = app
        self.minimum_size = minimum_size
        self.exclude_media_types = tuple(exclude_media_types)
        self.preference = tuple(c for c in codings if c in AVAILABLE)
        self.levels = {**DEFAULT_LEVELS, **(levels or {})}
        self._codings: dict[bytes, str | None] = {}

    def coding_for(self, accept_encoding: bytes) -> str | None:
        """The coding to answer an Accept-Encoding value with (cached per distinct value)."""
        try:
            return self._codings[accept_encoding]
        except KeyError:
            coding = choose_coding(accept_encoding.decode("latin-1"), self.preference)
            if len(self._codings) < CODING_CACHE_SIZE:
                self._codings[accept_encoding] = coding
            return coding

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for key, value in scope["headers"]:
                if key == b"accept-encoding":
                    coding = self.coding_for(value)
                    if coding is not None:
                        extensions = scope.get("extensions")
                        if extensions and "http.response.pathsend" in extensions:
                            # The server would send the file itself, past us: ask for the bytes.
                            extensions = {
                                k: v for k, v in extensions.items() if k != "http.response.pathsend"
                            }
                            scope = {**scope, "extensions": extensions}
                        responder = _Responder(self, send, coding)
                        await self.app(scope, receive, responder.send)
                        return
                    break
        await self.app(scope, receive, send)


class _Responder:
    """One response's compression state."""

    __slots__ = ("coding", "encoder", "initial", "middleware", "passthrough", "raw_send")

    def __init__(self, middleware: CompressionMiddleware, send: Send, coding: str) -> None:
        self.middleware = middleware
        self.raw_send = send
        self.coding = coding
        self.initial: Message | None = None
        self.passthrough = False
        self.encoder: Encoder | None = None

    def _skip(self, headers: MutableHeaders) -> bool:
        if "content-encoding" in headers:
            return True
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        return media_type.startswith(self.middleware.exclude_media_types)

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

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.initial = message  # held back until the first body chunk decides
            return
        if self.passthrough or (kind != "http.response.body" and self.initial is None):
            # Before the start (debug info of a template) or after it went out (trailers).
            await self.raw_send(message)
            return
        if kind != "http.response.body":
            # e.g. http.response.pathsend: the server sends the file, so it goes out as it is.
            await self.pass_through(message)
            return
        if self.encoder is not None:  # streaming, already compressing
            body = self.encoder.compress(message.get("body", b""))
            if not message.get("more_body", False):
                body += self.encoder.flush()
            await self.raw_send({**message, "body": body})
            return
        initial = self.initial
        assert initial is not None, "http.response.body before http.response.start"
        body = message.get("body", b"")
        more_body = message.get("more_body", False)
        if not more_body and len(body) < self.middleware.minimum_size:  # small: as it is
            await self.pass_through(message)
            return
        headers = MutableHeaders(raw=list(initial.get("headers", ())))
        initial["headers"] = headers.raw
        if self._skip(headers):
            await self.pass_through(message)
            return
        encoder = AVAILABLE[self.coding](self.middleware.levels[self.coding])
        headers["content-encoding"] = self.coding
        headers.add_vary_header("Accept-Encoding")
        if more_body:
            self.encoder = encoder
            del headers["content-length"]
            compressed = encoder.compress(body)
        else:
            compressed = encoder.compress(body) + encoder.flush()
            headers["content-length"] = str(len(compressed))
        await self.send_initial()
        await self.raw_send({**message, "body": compressed})
