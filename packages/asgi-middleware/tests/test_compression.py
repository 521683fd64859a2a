import zlib

import brotli
import pytest
import zstandard
from hypothesis import given
from hypothesis import strategies as st
from mw_apps import lifespan_app, run, template_like_app, text_app

from asgi_middleware import CompressionMiddleware, GZipMiddleware
from asgi_middleware._codecs import AVAILABLE, accepted_codings, choose_coding
from asgi_protocol.types import Receive, Scope, Send
from asgi_testclient import TestClient

BIG = b"x" * 1000


def raw_get(app: object, accept: str | None) -> list[dict[str, object]]:
    """Drive the app directly, to see the exact messages."""
    import asyncio

    sent: list[dict[str, object]] = []
    headers = [(b"accept-encoding", accept.encode())] if accept is not None else []
    scope = {"type": "http", "method": "GET", "path": "/", "headers": headers, "query_string": b""}

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))  # type: ignore[operator]
    return sent


def streaming_app(chunks: list[bytes], headers: list[tuple[bytes, bytes]] | None = None) -> object:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": headers or [(b"content-length", b"3000")],
            }
        )
        for chunk in chunks:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    return app


def test_gzip_whole_body() -> None:
    client = TestClient(GZipMiddleware(text_app(BIG, [(b"content-length", b"1000")])))
    response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    assert int(response.headers["content-length"]) < 1000
    assert response.content == BIG


def test_gzip_small_body_untouched() -> None:
    response = TestClient(GZipMiddleware(text_app(b"tiny"))).get(
        "/", headers={"Accept-Encoding": "gzip"}
    )
    assert "content-encoding" not in response.headers
    assert response.text == "tiny"


def test_gzip_q_zero_means_no() -> None:
    client = TestClient(GZipMiddleware(text_app(BIG)))
    assert (
        "content-encoding" not in client.get("/", headers={"Accept-Encoding": "gzip;q=0"}).headers
    )
    assert (
        "content-encoding" not in client.get("/", headers={"Accept-Encoding": "identity"}).headers
    )
    assert "content-encoding" not in client.get("/", headers={"Accept-Encoding": ""}).headers


def test_no_accept_encoding_header() -> None:
    messages = raw_get(GZipMiddleware(text_app(BIG)), None)
    assert messages[1]["body"] == BIG
    other_headers = run(GZipMiddleware(text_app(BIG)), {"type": "http", "headers": [(b"x", b"1")]})
    assert other_headers[1]["body"] == BIG


def test_already_encoded_untouched() -> None:
    app = GZipMiddleware(text_app(BIG, [(b"content-encoding", b"br")]))
    messages = raw_get(app, "gzip")
    assert messages[1]["body"] == BIG


def test_excluded_media_type_untouched() -> None:
    app = GZipMiddleware(
        streaming_app([BIG], [(b"content-type", b"text/event-stream; charset=utf-8")])
    )
    messages = raw_get(app, "gzip")
    assert messages[1]["body"] == BIG


def test_streaming_is_compressed_per_chunk() -> None:
    app = GZipMiddleware(streaming_app([b"a" * 100, b"b" * 100]), compresslevel=6)
    messages = raw_get(app, "gzip")
    start = messages[0]
    assert (b"content-encoding", b"gzip") in start["headers"]  # type: ignore[operator]
    assert not any(k == b"content-length" for k, _ in start["headers"])  # type: ignore[attr-defined]
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    # every chunk decodes right away: nothing held back
    assert decoder.decompress(messages[1]["body"]) == b"a" * 100  # type: ignore[arg-type]
    assert decoder.decompress(messages[2]["body"]) == b"b" * 100  # type: ignore[arg-type]
    assert decoder.decompress(messages[3]["body"]) == b""  # type: ignore[arg-type]
    assert decoder.eof


@pytest.mark.parametrize(
    ("accept", "coding"),
    [
        ("gzip, br, zstd", "zstd"),
        ("gzip, br", "br"),
        ("br;q=0.5, gzip", "gzip"),
        ("*", "zstd"),
        ("*;q=0.5, gzip", "gzip"),
        ("zstd;q=0, *", "br"),
        ("GZIP", "gzip"),
    ],
)
def test_negotiation(accept: str, coding: str) -> None:
    assert choose_coding(accept, ("zstd", "br", "gzip")) == coding


@pytest.mark.parametrize(
    "accept", ["junk;;;", "gzip;q=abc", "gzip;q=2", ",,,", "gzip;q=-1", ";q=1"]
)
def test_bad_accept_encoding_is_identity(accept: str) -> None:
    assert choose_coding(accept, ("gzip",)) is None
    response = TestClient(CompressionMiddleware(text_app(BIG))).get(
        "/", headers={"Accept-Encoding": accept}
    )
    assert response.status_code == 200
    assert "content-encoding" not in response.headers


def test_accepted_codings_parse() -> None:
    assert accepted_codings("gzip;level=1;q=0.5, br") == {"gzip": 0.5, "br": 1.0}


def test_all_codecs_available_here() -> None:
    assert set(AVAILABLE) == {"gzip", "br", "zstd"}


@pytest.mark.parametrize("coding", ["zstd", "br"])
def test_compression_codecs_whole_and_streaming(coding: str) -> None:
    decode = {
        "br": brotli.decompress,
        "zstd": lambda data: zstandard.ZstdDecompressor().decompressobj().decompress(data),
    }[coding]
    whole = raw_get(CompressionMiddleware(text_app(BIG)), coding)
    assert (b"content-encoding", coding.encode()) in whole[0]["headers"]  # type: ignore[operator]
    assert decode(whole[1]["body"]) == BIG
    stream = raw_get(CompressionMiddleware(streaming_app([BIG, BIG])), coding)
    assert decode(b"".join(m["body"] for m in stream[1:])) == BIG * 2  # type: ignore[misc]


def test_compression_with_testclient_and_levels() -> None:
    client = TestClient(CompressionMiddleware(text_app(BIG), levels={"gzip": 1}, codings=("gzip",)))
    response = client.get("/", headers={"Accept-Encoding": "gzip, br"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.content == BIG


def pathsend_app(path: str, length: bytes | None) -> object:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        assert "http.response.pathsend" in scope["extensions"]  # offered as the server does
        headers = [(b"content-type", b"text/html")]
        if length is not None:
            headers.append((b"content-length", length))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.pathsend", "path": path})
        await send({"type": "http.response.trailers", "headers": []})

    return app


def pathsend(app: object, accept: str) -> list[dict[str, object]]:
    scope = {
        "type": "http",
        "headers": [(b"accept-encoding", accept.encode())],
        "extensions": {"http.response.pathsend": {}},
    }
    return run(app, scope)


@pytest.mark.parametrize(("length", "accept"), [(b"10", "gzip"), (b"1000", "identity")])
def test_small_files_and_identity_answers_are_still_sent_by_the_server(
    length: bytes, accept: str
) -> None:
    sent = pathsend(GZipMiddleware(pathsend_app("/x", length)), accept)
    assert [m["type"] for m in sent] == [
        "http.response.start",
        "http.response.pathsend",
        "http.response.trailers",
    ]
    assert (b"content-encoding", b"gzip") not in sent[0]["headers"]  # type: ignore[operator]


@pytest.mark.parametrize("length", [b"200000", None, b"junk"])
def test_a_large_file_the_server_would_send_is_read_and_compressed(
    tmp_path: object, length: bytes | None
) -> None:
    from pathlib import Path

    data = bytes(range(256)) * 800  # 200 KB: several chunks, each big enough for a thread
    path = Path(str(tmp_path)) / "page.html"
    path.write_bytes(data)
    sent = pathsend(GZipMiddleware(pathsend_app(str(path), length)), "gzip")
    headers = sent[0]["headers"]
    assert (b"content-encoding", b"gzip") in headers  # type: ignore[operator]
    assert not any(k == b"content-length" for k, _ in headers)  # type: ignore[attr-defined]
    bodies = [m for m in sent if m["type"] == "http.response.body"]
    assert len(bodies) == 5  # four chunks of 64 KiB at most, and the end
    assert gzip_decompress(b"".join(m["body"] for m in bodies)) == data  # type: ignore[misc]
    assert sent[-1]["type"] == "http.response.trailers"


def test_lifespan_passes_through() -> None:
    with TestClient(GZipMiddleware(lifespan_app)):
        pass


def test_missing_codecs_are_not_offered(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from asgi_middleware import _codecs

    monkeypatch.setitem(sys.modules, "brotli", None)
    monkeypatch.setitem(sys.modules, "zstandard", None)
    assert set(_codecs.discover()) == {"gzip"}
    from asgi_middleware import compression

    monkeypatch.setattr(compression, "AVAILABLE", {"gzip": _codecs.AVAILABLE["gzip"]})
    middleware = CompressionMiddleware(text_app(BIG))
    assert middleware.preference == ("gzip",)
    assert raw_get(middleware, "zstd, br")[1]["body"] == BIG


def test_response_extensions_without_pathsend() -> None:
    from mw_apps import run

    sent = run(
        GZipMiddleware(text_app(BIG)),
        {"type": "http", "headers": [(b"accept-encoding", b"gzip")], "extensions": {"x": {}}},
    )
    assert gzip_decompress(sent[1]["body"]) == BIG


def gzip_decompress(data: bytes) -> bytes:
    return zlib.decompress(data, 16 + zlib.MAX_WBITS)


def test_non_body_message_before_start_passes() -> None:
    from mw_apps import run

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.debug", "info": {}})

    sent = run(GZipMiddleware(app), {"type": "http", "headers": [(b"accept-encoding", b"gzip")]})
    assert sent == [{"type": "http.response.debug", "info": {}}]


# Property tests: any Accept-Encoding header is parsed without raising; the answer is an offered
# coding the client accepts with q > 0, or None (identity).
PREFERENCE = ("zstd", "br", "gzip")
header_text = st.text(
    alphabet=st.sampled_from(list("gzipbrstd*;=q,. 0123456789-xX\t")), max_size=40
)


@given(st.one_of(header_text, st.text(max_size=40)))
def test_property_any_header_negotiates_safely(header: str) -> None:
    accepted = accepted_codings(header)
    assert all(0.0 <= q <= 1.0 for q in accepted.values())
    chosen = choose_coding(header, PREFERENCE)
    if chosen is not None:
        assert chosen in PREFERENCE
        assert accepted.get(chosen, accepted.get("*", 0.0)) > 0.0


@given(
    st.lists(
        st.tuples(st.sampled_from(PREFERENCE), st.integers(min_value=0, max_value=1000)),
        min_size=1,
        max_size=3,
        unique_by=lambda item: item[0],
    )
)
def test_property_highest_q_wins(entries: list[tuple[str, int]]) -> None:
    header = ", ".join(f"{coding};q={weight / 1000}" for coding, weight in entries)
    chosen = choose_coding(header, PREFERENCE)
    best = max(weight for _, weight in entries)
    if best == 0:
        assert chosen is None
    else:
        winners = [coding for coding, weight in entries if weight == best]
        assert chosen == min(winners, key=PREFERENCE.index)


@given(st.lists(st.binary(max_size=300), max_size=6))
def test_property_streamed_gzip_roundtrips(chunks: list[bytes]) -> None:
    messages = raw_get(GZipMiddleware(streaming_app(chunks), minimum_size=0), "gzip")
    body = b"".join(m.get("body", b"") for m in messages[1:])  # type: ignore[misc]
    headers = messages[0]["headers"]
    assert (b"content-encoding", b"gzip") in headers  # type: ignore[operator]
    lengths = [value for name, value in headers if name == b"content-length"]  # type: ignore[attr-defined]
    # streamed: no length; a single final message is a whole body: its length is fixed
    assert lengths == ([str(len(body)).encode()] if not chunks else [])
    assert zlib.decompress(body, 16 + zlib.MAX_WBITS) == b"".join(chunks)


def test_debug_info_does_not_stop_compression() -> None:
    client = TestClient(GZipMiddleware(template_like_app))
    response = client.get("/", headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.text == "x" * 1000
    assert response.template == "t.html"  # type: ignore[attr-defined]


@pytest.mark.parametrize("chunks", [[b"y" * 1000], [b"y" * 600, b"y" * 400]])
def test_trailers_follow_a_compressed_body_once(chunks: list[bytes]) -> None:
    async def with_trailers(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [], "trailers": True})
        for index, chunk in enumerate(chunks):
            more = index < len(chunks) - 1
            await send({"type": "http.response.body", "body": chunk, "more_body": more})
        await send({"type": "http.response.trailers", "headers": [(b"x-digest", b"abc")]})

    response = TestClient(GZipMiddleware(with_trailers)).get(
        "/", headers={"accept-encoding": "gzip"}
    )
    assert response.headers["content-encoding"] == "gzip"
    assert response.text == "y" * 1000
    assert response.raw.trailers["x-digest"] == "abc"


def test_accept_encoding_cache_is_bounded_and_answers_past_its_size() -> None:
    from asgi_middleware.compression import CODING_CACHE_SIZE

    app = GZipMiddleware(text_app(BIG))
    client = TestClient(app)
    # A client inventing a new Accept-Encoding per request only misses the cache.
    for n in range(CODING_CACHE_SIZE + 10):
        accept = f"gzip;q=0.{n % 9 + 1}, x-junk-{n}"
        assert client.get("/", headers={"Accept-Encoding": accept}).headers["content-encoding"] == (
            "gzip"
        )
        refused = client.get("/", headers={"Accept-Encoding": f"identity, x-junk-{n}"})
        assert "content-encoding" not in refused.headers
    assert len(app._codings) == CODING_CACHE_SIZE
    # A value seen before is answered from the cache, the same way.
    assert app.coding_for(b"gzip;q=0.1, x-junk-0") == "gzip"
    assert app.coding_for(b"identity, x-junk-0") is None


def test_partial_content_is_left_alone_and_sent_at_once() -> None:
    sent = raw_get(GZipMiddleware(text_app_with_status(206, BIG)), "gzip")
    assert sent[0]["headers"] == [(b"content-type", b"text/plain")]
    assert sent[1]["body"] == BIG


def text_app_with_status(status: int, body: bytes, content_type: bytes = b"text/plain") -> object:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", content_type)]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def test_already_encoded_gets_no_vary() -> None:
    sent = raw_get(GZipMiddleware(text_app(BIG, [(b"content-encoding", b"br")])), "gzip")
    assert sent[0]["headers"] == [(b"content-encoding", b"br")]


@pytest.mark.parametrize(
    "content_type",
    [b"image/png", b"video/mp4", b"audio/ogg", b"application/grpc+proto", b"Font/WOFF2; x=1"],
)
def test_default_exclusions(content_type: bytes) -> None:
    sent = raw_get(GZipMiddleware(text_app_with_status(200, BIG, content_type)), "gzip")
    assert sent[0]["headers"] == [(b"content-type", content_type)]  # no Vary either
    assert sent[1]["body"] == BIG


@pytest.mark.parametrize("content_type", [b"image/svg+xml", b"application/json", b"text/html"])
def test_compressible_types_by_default(content_type: bytes) -> None:
    sent = raw_get(GZipMiddleware(text_app_with_status(200, BIG, content_type)), "gzip")
    assert (b"content-encoding", b"gzip") in sent[0]["headers"]  # type: ignore[operator]


def test_exclusions_are_normalized_and_take_wildcards() -> None:
    app = text_app_with_status(200, BIG, b"application/zip")
    kept = GZipMiddleware(app, exclude_content_types=("Application/ZIP; charset=utf-8",))
    assert raw_get(kept, "gzip")[1]["body"] == BIG
    cleared = GZipMiddleware(text_app_with_status(200, BIG, b"image/png"), exclude_content_types=())
    assert (b"content-encoding", b"gzip") in raw_get(cleared, "gzip")[0]["headers"]  # type: ignore[operator]
    wildcard = GZipMiddleware(app, exclude_content_types=("application/*",))
    assert raw_get(wildcard, "gzip")[1]["body"] == BIG
    with pytest.raises(TypeError, match="not a str"):
        GZipMiddleware(app, exclude_content_types="image/png")


def test_excluded_start_goes_out_before_the_first_event() -> None:
    import asyncio

    sent: list[dict[str, object]] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"text/event-stream")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        assert [m["type"] for m in sent] == ["http.response.start"]  # not held back
        await send({"type": "http.response.body", "body": b"data: 1\n\n"})

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "headers": [(b"accept-encoding", b"gzip")]}
    asyncio.run(GZipMiddleware(app)(scope, None, send))  # type: ignore[arg-type]
    assert len(sent) == 2


@pytest.mark.parametrize("accept", ["identity", None])
def test_identity_answer_varies_on_accept_encoding(accept: str | None) -> None:
    sent = raw_get(GZipMiddleware(text_app(BIG)), accept)
    assert sent[0]["headers"] == [(b"vary", b"Accept-Encoding")]
    assert sent[1]["body"] == BIG
    small = raw_get(GZipMiddleware(text_app(b"tiny")), accept)
    assert small[0]["headers"] == []


def test_trailers_mean_no_content_length() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-length", b"1000")]
        await send(
            {"type": "http.response.start", "status": 200, "headers": headers, "trailers": True}
        )
        await send({"type": "http.response.body", "body": BIG})
        await send({"type": "http.response.trailers", "headers": []})

    sent = raw_get(GZipMiddleware(app), "gzip")
    assert not any(k == b"content-length" for k, _ in sent[0]["headers"])  # type: ignore[attr-defined]
    assert gzip_decompress(sent[1]["body"]) == BIG  # type: ignore[arg-type]


def test_responders_answer_one_way_whatever_is_accepted() -> None:
    from asgi_middleware.gzip import GZipResponder, IdentityResponder

    gzipped = raw_get(GZipResponder(text_app(BIG), 500), "identity")
    assert gzip_decompress(gzipped[1]["body"]) == BIG  # type: ignore[arg-type]
    plain = raw_get(IdentityResponder(text_app(BIG), 500), "gzip")
    assert plain[0]["headers"] == [(b"vary", b"Accept-Encoding")]
    assert plain[1]["body"] == BIG


class _ThreadRecorder:
    """A gzip codec that notes the thread each chunk was compressed in."""

    threads: list[str] = []

    def __init__(self, level: int) -> None:
        self._inner = AVAILABLE["gzip"](level)

    def compress(self, data: bytes) -> bytes:
        import threading

        self.threads.append(threading.current_thread().name)
        return self._inner.compress(data)

    def flush(self) -> bytes:
        return self._inner.flush()


def test_large_bodies_and_chunks_are_compressed_off_the_event_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from asgi_middleware import compression

    monkeypatch.setattr(compression, "AVAILABLE", {"gzip": _ThreadRecorder})
    _ThreadRecorder.threads = []
    whole = raw_get(GZipMiddleware(text_app(BIG), thread_minimum_size=1000), "gzip")
    assert gzip_decompress(whole[1]["body"]) == BIG  # type: ignore[arg-type]
    small = raw_get(GZipMiddleware(text_app(BIG), thread_minimum_size=1001), "gzip")
    assert gzip_decompress(small[1]["body"]) == BIG  # type: ignore[arg-type]
    stream = raw_get(
        GZipMiddleware(streaming_app([BIG, b"y" * 10]), thread_minimum_size=1000), "gzip"
    )
    assert gzip_decompress(b"".join(m["body"] for m in stream[1:])) == BIG + b"y" * 10  # type: ignore[misc]
    main = [name.startswith("asgi-compression") for name in _ThreadRecorder.threads]
    # whole in a thread, whole inline; the stream's big chunk in a thread, the rest inline
    assert main == [True, False, True, False, False]


def test_content_type_cache_is_bounded_and_answers_past_its_size() -> None:
    from asgi_middleware.compression import CODING_CACHE_SIZE

    app = GZipMiddleware(text_app(BIG))
    for n in range(CODING_CACHE_SIZE + 5):
        assert app.excludes(f"image/png; n={n}".encode()) is True
        assert app.excludes(f"text/plain; n={n}".encode()) is False
    assert len(app._excluded) == CODING_CACHE_SIZE
