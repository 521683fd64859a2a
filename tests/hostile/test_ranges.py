"""Range header abuse against StaticFiles (FileResponse underneath): 206, 200, 400 or 416, fast."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from asgi_testclient import TestClient
from asgi_toolkit.staticfiles import StaticFiles

DATA = bytes(range(256)) * 40  # 10240 bytes


@pytest.fixture
def files(tmp_path: Path) -> TestClient:
    (tmp_path / "data.bin").write_bytes(DATA)
    return TestClient(StaticFiles(directory=tmp_path), raise_server_exceptions=False)


def get(client: TestClient, header: str) -> tuple[int, bytes, dict[str, str]]:
    response = client.get("/data.bin", headers={"range": header})
    return response.status_code, response.content, dict(response.headers)


def test_thousands_of_ranges_are_ignored_quickly(files: TestClient) -> None:
    # More than 100 parts: counted before parsing, answered with the whole file (as Starlette).
    header = "bytes=" + ",".join(f"{i * 3}-{i * 3}" for i in range(3000))
    start = time.perf_counter()
    status, body, headers = get(files, header)
    assert time.perf_counter() - start < 2
    assert status == 200
    assert body == DATA
    assert "content-range" not in headers


def test_overlapping_ranges_merge_into_one(files: TestClient) -> None:
    header = "bytes=" + ",".join(f"{i}-{i + 100}" for i in range(0, 100, 1))
    status, body, headers = get(files, header)
    assert status == 206
    assert headers["content-range"] == f"bytes 0-199/{len(DATA)}"
    assert body == DATA[:200]


def test_overlapping_ranges_are_merged(files: TestClient) -> None:
    status, body, headers = get(files, "bytes=0-10,5-20,15-30")
    assert status == 206
    assert headers["content-range"] == f"bytes 0-30/{len(DATA)}"
    assert body == DATA[:31]


def test_huge_numbers_are_clamped(files: TestClient) -> None:
    status, body, headers = get(files, "bytes=100-" + "9" * 400)
    assert status == 206
    assert headers["content-range"] == f"bytes 100-{len(DATA) - 1}/{len(DATA)}"
    assert body == DATA[100:]


def test_huge_start_is_unsatisfiable(files: TestClient) -> None:
    status, _, headers = get(files, "bytes=" + "9" * 400 + "-")
    assert status == 416
    assert headers["content-range"] == f"bytes */{len(DATA)}"


def test_negative_range_is_a_suffix(files: TestClient) -> None:
    status, body, _ = get(files, "bytes=-100")
    assert status == 206
    assert body == DATA[-100:]


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("bytes=--5", b"Range header: range must be requested"),
        ("bytes=500-100", b"Range header: start must be less than end"),
        ("bytes=", b"Range header: range must be requested"),
        ("items=0-5", b"Only support bytes range"),
    ],
)
def test_malformed_headers_get_400_with_a_reason(
    files: TestClient, header: str, reason: bytes
) -> None:
    status, body, _ = get(files, header)
    assert (status, body) == (400, reason)


def test_very_long_range_header_is_ignored(files: TestClient) -> None:
    status, body, _ = get(files, "bytes=0-1," + "0-1," * 20000 + "0-1")
    assert (status, body) == (200, DATA)


def test_suffix_range_on_an_empty_file_is_unsatisfiable(tmp_path: Path) -> None:
    # RFC 9110 14.1.3: a suffix range on a zero-length representation is unsatisfiable.
    (tmp_path / "empty.bin").write_bytes(b"")
    client = TestClient(StaticFiles(directory=tmp_path), raise_server_exceptions=False)
    response = client.get("/empty.bin", headers={"range": "bytes=-1"})
    assert response.status_code == 416
    assert response.headers["content-range"] == "bytes */0"
