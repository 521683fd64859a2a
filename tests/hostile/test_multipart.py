"""Known attacks on multipart/form-data parsing: each ends in a clear 400/413, within a bound."""

from __future__ import annotations

import resource
import tempfile
import time
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hostile_helpers import BOUNDARY, multipart

from asgi_protocol import Headers, UploadFile
from asgi_requests import FormError, MultiPartParser
from asgi_testclient import TestClient

CT = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}


def test_field_without_filename_larger_than_max_part_size(client: TestClient) -> None:
    body = multipart([("big", None, b"x" * (1024 * 1024 + 1))])
    response = client.post("/default", content=body, headers=CT)
    assert response.status_code == 400
    assert "part" in response.text.lower() or "size" in response.text.lower()


def test_100k_tiny_fields_are_refused_fast_and_small(client: TestClient) -> None:
    body = multipart([(f"f{i}", None, b"v") for i in range(100_000)])
    start = time.perf_counter()
    response = client.post("/default", content=body, headers=CT)
    assert time.perf_counter() - start < 2
    assert response.status_code == 400
    assert "field" in response.text.lower()
    # tracemalloc makes this run take ~10 s; the process high-water mark is cheap and enough.
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    client.post("/default", content=body, headers=CT)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert (after - before) * 1024 < 64 * 1024 * 1024


def test_10k_files_over_the_default_limit(client: TestClient) -> None:
    body = multipart([(f"f{i}", f"a{i}.txt", b"v") for i in range(10_000)])
    start = time.perf_counter()
    response = client.post("/default", content=body, headers=CT)
    assert time.perf_counter() - start < 5
    assert response.status_code == 400
    assert "file" in response.text.lower()


def test_missing_boundary(client: TestClient) -> None:
    response = client.post(
        "/default", content=b"--x--\r\n", headers={"content-type": "multipart/form-data"}
    )
    assert response.status_code == 400
    assert "boundary" in response.text.lower()


def test_huge_boundary(client: TestClient) -> None:
    boundary = "b" * 5000
    response = client.post(
        "/default",
        content=multipart([("a", None, b"1")], boundary=boundary),
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 400
    assert "boundary" in response.text.lower()


def test_odd_boundary_characters(client: TestClient) -> None:
    response = client.post(
        "/default",
        content=b"--a\x00b--\r\n",
        headers={"content-type": 'multipart/form-data; boundary="a\x01b"'},
    )
    assert response.status_code == 400
    assert "boundary" in response.text.lower()


def test_body_with_a_different_boundary_is_malformed(client: TestClient) -> None:
    body = multipart([("a", None, b"1")], boundary="other")
    response = client.post("/default", content=body, headers=CT)
    assert response.status_code == 400


def test_header_line_flood_inside_a_part(client: TestClient) -> None:
    headers = b"".join(b"X-Junk-%d: y\r\n" % i for i in range(10_000))
    body = (
        f"--{BOUNDARY}\r\n".encode()
        + b'Content-Disposition: form-data; name="a"\r\n'
        + headers
        + b"\r\n1\r\n"
        + f"--{BOUNDARY}--\r\n".encode()
    )
    start = time.perf_counter()
    response = client.post("/default", content=body, headers=CT)
    assert time.perf_counter() - start < 2
    assert response.status_code == 400


def test_one_huge_header_line_inside_a_part(client: TestClient) -> None:
    body = (
        f"--{BOUNDARY}\r\n".encode()
        + b'Content-Disposition: form-data; name="a"\r\nX-Big: '
        + b"y" * 1_000_000
        + b"\r\n\r\n1\r\n"
        + f"--{BOUNDARY}--\r\n".encode()
    )
    response = client.post("/default", content=body, headers=CT)
    assert response.status_code == 400


def test_truncated_body(client: TestClient) -> None:
    body = multipart([("a", None, b"1")])[:-10]
    response = client.post("/default", content=body, headers=CT)
    assert response.status_code == 400
    assert "truncated" in response.text.lower()


def test_content_type_with_junk_parameters_around_the_boundary(client: TestClient) -> None:
    body = multipart([("a", None, b"1")])
    junk = f"multipart/form-data; ;;junk; =; boundary={BOUNDARY}; a=b; =x"
    response = client.post("/default", content=body, headers={"content-type": junk})
    assert response.status_code == 200
    assert response.json() == {"count": 1}


def test_unterminated_quote_swallowing_the_boundary(client: TestClient) -> None:
    body = multipart([("a", None, b"1")])
    junk = f'multipart/form-data; x="unterminated; boundary={BOUNDARY}'
    response = client.post("/default", content=body, headers={"content-type": junk})
    assert response.status_code == 400
    assert "boundary" in response.text.lower()


def test_empty_boundary(client: TestClient) -> None:
    response = client.post(
        "/default", content=b"----\r\n", headers={"content-type": "multipart/form-data; boundary="}
    )
    assert response.status_code == 400
    assert "boundary" in response.text.lower()


def test_huge_content_type_header_is_refused_fast(client: TestClient) -> None:
    junk = "multipart/form-data" + "; a=b" * 50_000
    start = time.perf_counter()
    response = client.post("/default", content=b"x", headers={"content-type": junk})
    assert time.perf_counter() - start < 2
    assert response.status_code == 400


def test_20mb_file_part_is_spooled_not_held_in_memory(client: TestClient) -> None:
    body = multipart([("upload", "big.bin", b"z" * (20 * 1024 * 1024))])
    tracemalloc.start()
    tracemalloc.reset_peak()
    baseline, _ = tracemalloc.get_traced_memory()
    response = client.post("/form", content=body, headers=CT)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 200
    # The request body itself is 20 MB in the client; the server side must not add copies.
    assert peak - baseline < 3 * 20 * 1024 * 1024


async def lazily(parts: Iterator[bytes]) -> AsyncIterator[bytes]:
    """The body as a server streams it: 64 KB chunks, never materialised whole."""
    buffer = bytearray()
    for piece in parts:
        buffer += piece
        if len(buffer) >= 65536:
            yield bytes(buffer)
            buffer.clear()
    yield bytes(buffer)


def tiny_fields(count: int) -> Iterator[bytes]:
    for i in range(count):
        yield f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="f{i}"\r\n\r\nv\r\n'.encode()
    yield f"--{BOUNDARY}--\r\n".encode()


def big_file(size: int) -> Iterator[bytes]:
    yield f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n\r\n'.encode()
    block = b"z" * 65536
    for _ in range(size // len(block)):
        yield block
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


async def test_streamed_100k_tiny_fields_stop_at_the_limit_in_little_memory() -> None:
    parser = MultiPartParser(Headers(CT), lazily(tiny_fields(100_000)))
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(FormError, match="Too many fields"):
        await parser.parse()
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 2
    assert peak < 4 * 1024 * 1024


async def test_streamed_20mb_file_part_never_holds_more_than_a_few_mb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    parser = MultiPartParser(Headers(CT), lazily(big_file(20 * 1024 * 1024)))
    tracemalloc.start()
    start = time.perf_counter()
    form = await parser.parse()
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    upload = form["f"]
    assert isinstance(upload, UploadFile)
    assert upload.size == 20 * 1024 * 1024
    await form.close()
    assert elapsed < 2
    assert peak < 4 * 1024 * 1024  # the 1 MB spool plus a chunk or two, not 20 MB
