"""Content-Encoding is undone like a real client does."""

from __future__ import annotations

import builtins
import gzip
import zlib
from typing import Any

import brotli
import pytest
import zstandard
from requests.exceptions import ContentDecodingError

from asgi_testclient._decode import Decoder, decode_body


def test_each_coding() -> None:
    data = b"payload " * 20
    assert decode_body(gzip.compress(data), "gzip") == data
    assert decode_body(gzip.compress(data), "X-GZIP") == data
    assert decode_body(zlib.compress(data), "deflate") == data
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    assert decode_body(raw.compress(data) + raw.flush(), "deflate") == data
    assert decode_body(brotli.compress(data), "br") == data
    assert decode_body(zstandard.ZstdCompressor().compress(data), "zstd") == data


def test_stacked_codings_apply_in_reverse() -> None:
    data = b"twice"
    assert decode_body(gzip.compress(zlib.compress(data)), "deflate, identity, gzip") == data


def test_nothing_to_do() -> None:
    assert decode_body(b"plain", None) == b"plain"
    assert decode_body(b"", "gzip") == b""
    assert decode_body(b"plain", "identity") == b"plain"
    assert decode_body(b"opaque", "compress") == b"opaque"
    assert decode_body(b"opaque", "gzip, custom") == b"opaque"


def test_corrupt_content_is_a_decoding_error() -> None:
    with pytest.raises(ContentDecodingError, match="not valid 'gzip'"):
        decode_body(b"not gzip", "gzip")
    with pytest.raises(ContentDecodingError, match="not valid 'br'"):
        decode_body(b"not brotli", "br")


@pytest.mark.parametrize(("coding", "module"), [("br", "brotli"), ("zstd", "zstandard")])
def test_missing_codec_names_the_package(
    monkeypatch: pytest.MonkeyPatch, coding: str, module: str
) -> None:
    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == module:
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ContentDecodingError, match=f"pip install {module}"):
        decode_body(b"data", coding)


def test_deflate_decoded_chunk_by_chunk_in_either_framing() -> None:
    data = b"chunked " * 50
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    framings = [zlib.compress(data), raw.compress(data) + raw.flush()]
    for encoded in framings:
        decoder = Decoder("deflate")
        out = b"".join(decoder.feed(encoded[n : n + 1]) for n in range(len(encoded)))
        assert out + decoder.flush() == data
    assert Decoder("gzip").flush() == b""  # nothing fed: nothing to flush
