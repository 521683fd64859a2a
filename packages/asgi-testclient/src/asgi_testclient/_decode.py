"""Undo `Content-Encoding`, as a real HTTP client does, so tests read the plain body."""

from __future__ import annotations

import zlib
from collections.abc import Callable

from requests.exceptions import ContentDecodingError


def _gzip(data: bytes) -> bytes:
    return zlib.decompress(data, 16 + zlib.MAX_WBITS)


def _deflate(data: bytes) -> bytes:
    try:
        return zlib.decompress(data)
    except zlib.error:  # servers disagree on zlib-wrapped vs raw deflate; accept both
        return zlib.decompress(data, -zlib.MAX_WBITS)


def _brotli(data: bytes) -> bytes:
    try:
        import brotli
    except ImportError as exc:
        raise ContentDecodingError("the app sent 'br' content: pip install brotli") from exc
    result: bytes = brotli.decompress(data)
    return result


def _zstd(data: bytes) -> bytes:
    try:
        import zstandard
    except ImportError as exc:
        raise ContentDecodingError("the app sent 'zstd' content: pip install zstandard") from exc
    result: bytes = zstandard.ZstdDecompressor().decompressobj().decompress(data)
    return result


DECODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": _gzip,
    "x-gzip": _gzip,
    "deflate": _deflate,
    "br": _brotli,
    "zstd": _zstd,
}


def decode_body(body: bytes, content_encoding: str | None) -> bytes:
    """Apply the decoders of `content_encoding` in reverse; unknown codings leave the body as is."""
    if not content_encoding or not body:
        return body
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    if not all(c in DECODERS or c == "identity" for c in codings):
        return body
    for coding in reversed(codings):
        if coding == "identity":
            continue
        try:
            body = DECODERS[coding](body)
        except ContentDecodingError:
            raise
        except Exception as exc:  # each codec library has its own error type
            raise ContentDecodingError(f"the body is not valid {coding!r} content: {exc}") from exc
    return body
