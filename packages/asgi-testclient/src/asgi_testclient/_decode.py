"""Undo `Content-Encoding`, as a real HTTP client does, so tests read the plain body.

Decoding is incremental (`Decoder.feed` per chunk), so a streamed compressed response is
readable chunk by chunk while the app is still sending it.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Protocol

from requests.exceptions import ContentDecodingError


class _Stage(Protocol):
    def feed(self, data: bytes) -> bytes: ...

    def flush(self) -> bytes: ...


class _Zlib:
    """gzip, or deflate (zlib-wrapped as the RFC says, or raw as some servers send it)."""

    def __init__(self, wbits: int, fallback: int | None = None) -> None:
        self._obj = zlib.decompressobj(wbits)
        self._fallback = fallback
        self._seen = b""

    def feed(self, data: bytes) -> bytes:
        if self._fallback is None:
            return self._obj.decompress(data)
        self._seen += data
        try:
            out = self._obj.decompress(data)
        except zlib.error:  # servers disagree on zlib-wrapped vs raw deflate; accept both
            self._obj = zlib.decompressobj(self._fallback)
            self._fallback = None
            return self._obj.decompress(self._seen)
        if len(self._seen) >= 2:  # the zlib header is checked: the format is settled
            self._fallback = None
        return out

    def flush(self) -> bytes:
        return self._obj.flush()


class _Brotli:
    def __init__(self) -> None:
        try:
            import brotli
        except ImportError as exc:
            raise ContentDecodingError("the app sent 'br' content: pip install brotli") from exc
        self._obj = brotli.Decompressor()

    def feed(self, data: bytes) -> bytes:
        out: bytes = self._obj.process(data)
        return out

    def flush(self) -> bytes:
        return b""


class _Zstd:
    def __init__(self) -> None:
        try:
            import zstandard
        except ImportError as exc:
            raise ContentDecodingError(
                "the app sent 'zstd' content: pip install zstandard"
            ) from exc
        self._obj = zstandard.ZstdDecompressor().decompressobj()

    def feed(self, data: bytes) -> bytes:
        out: bytes = self._obj.decompress(data)
        return out

    def flush(self) -> bytes:
        return b""


DECODERS: dict[str, Callable[[], _Stage]] = {
    "gzip": lambda: _Zlib(16 + zlib.MAX_WBITS),
    "x-gzip": lambda: _Zlib(16 + zlib.MAX_WBITS),
    "deflate": lambda: _Zlib(zlib.MAX_WBITS, fallback=-zlib.MAX_WBITS),
    "br": _Brotli,
    "zstd": _Zstd,
}


class Decoder:
    """The decoders of one `Content-Encoding` value, applied in reverse order.

    Unknown codings leave the body as it is (the test sees what the app sent).
    """

    def __init__(self, content_encoding: str | None) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
        if not all(c in DECODERS or c == "identity" for c in codings):
            codings = []
        self._names = [c for c in reversed(codings) if c != "identity"]
        self._stages: list[_Stage] | None = None

    def _run(self, data: bytes, flush: bool) -> bytes:
        if self._stages is None:
            self._stages = [DECODERS[name]() for name in self._names]
        for name, stage in zip(self._names, self._stages, strict=True):
            try:
                data = stage.feed(data) if data else b""
                if flush:
                    data += stage.flush()
            except Exception as exc:  # each codec library has its own error type
                raise ContentDecodingError(
                    f"the body is not valid {name!r} content: {exc}"
                ) from exc
        return data

    def feed(self, data: bytes) -> bytes:
        if not self._names or not data:
            return data
        return self._run(data, flush=False)

    def flush(self) -> bytes:
        if not self._names or self._stages is None:
            return b""
        return self._run(b"", flush=True)


def decode_body(body: bytes, content_encoding: str | None) -> bytes:
    """The whole of `body` decoded (see `Decoder`)."""
    decoder = Decoder(content_encoding)
    return decoder.feed(body) + decoder.flush()
