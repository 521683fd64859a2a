"""Content codings (gzip, br, zstd) behind one small interface, and Accept-Encoding parsing.

Codecs from optional packages are looked up once at import: one that isn't installed is
simply never offered.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any, Protocol


class Encoder(Protocol):
    def compress(self, data: bytes) -> bytes: ...
    def flush(self) -> bytes: ...


class _Gzip:
    def __init__(self, level: int) -> None:
        self._compressor = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)

    def compress(self, data: bytes) -> bytes:
        # A sync flush per chunk: a streamed response is never held back waiting for more.
        return self._compressor.compress(data) + self._compressor.flush(zlib.Z_SYNC_FLUSH)

    def flush(self) -> bytes:
        return self._compressor.flush(zlib.Z_FINISH)


def _brotli_factory() -> Callable[[int], Encoder] | None:
    try:
        import brotli
    except ImportError:
        return None

    class _Brotli:
        def __init__(self, level: int) -> None:
            self._compressor = brotli.Compressor(quality=min(level, 11))

        def compress(self, data: bytes) -> bytes:
            return self._compressor.process(data) + self._compressor.flush()  # type: ignore[no-any-return]

        def flush(self) -> bytes:
            return self._compressor.finish()  # type: ignore[no-any-return]

    return _Brotli


def _zstd_factory() -> Callable[[int], Encoder] | None:
    module: Any
    try:
        import importlib

        module = importlib.import_module("compression.zstd")  # the stdlib's, Python 3.14+
    except ImportError:
        module = None
    if module is not None:  # pragma: no cover - Python 3.14+

        class _StdZstd:
            def __init__(self, level: int) -> None:
                self._compressor = module.ZstdCompressor(level=level)

            def compress(self, data: bytes) -> bytes:
                return self._compressor.compress(data, module.ZstdCompressor.FLUSH_BLOCK)  # type: ignore[no-any-return]

            def flush(self) -> bytes:
                return self._compressor.flush()  # type: ignore[no-any-return]

        return _StdZstd
    try:
        import zstandard
    except ImportError:
        return None

    class _Zstandard:
        def __init__(self, level: int) -> None:
            self._compressor = zstandard.ZstdCompressor(level=level).compressobj()

        def compress(self, data: bytes) -> bytes:
            out = self._compressor.compress(data)
            return out + self._compressor.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)

        def flush(self) -> bytes:
            return self._compressor.flush()

    return _Zstandard


def discover() -> dict[str, Callable[[int], Encoder]]:
    """The codings this interpreter can produce: gzip always, br and zstd when installed."""
    found: dict[str, Callable[[int], Encoder]] = {"gzip": _Gzip}
    for name, factory in (("br", _brotli_factory()), ("zstd", _zstd_factory())):
        if factory is not None:
            found[name] = factory
    return found


AVAILABLE = discover()


def accepted_codings(header: str) -> dict[str, float]:
    """Accept-Encoding as {coding: q}. Junk entries and bad q-values are skipped, never raised."""
    accepted: dict[str, float] = {}
    for item in header.split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        if not coding:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = -1.0
                if not 0.0 <= q <= 1.0:
                    q = -1.0
        if q >= 0.0:
            accepted[coding.lower()] = q
    return accepted


def choose_coding(header: str, preference: tuple[str, ...]) -> str | None:
    """The first coding of `preference` the client accepts with the highest q (>0)."""
    accepted = accepted_codings(header)
    wildcard = accepted.get("*")
    best: str | None = None
    best_q = 0.0
    for coding in preference:
        q = accepted.get(coding, wildcard if wildcard is not None else 0.0)
        if q > best_q:
            best, best_q = coding, q
    return best
