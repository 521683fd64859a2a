import os
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from resp_driver import body_of, call, headers_of, http_scope

from asgi_responses import FileResponse, content_disposition
from asgi_responses._file import CHUNK_SIZE
from asgi_tasks import BackgroundTask
from asgi_testclient import TestClient


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "data.txt"
    path.write_bytes(b"0123456789")
    return path


def test_whole_file_with_validators(data_file: Path) -> None:
    ran: list[int] = []
    client = TestClient(FileResponse(data_file, background=BackgroundTask(ran.append, 1)))
    response = client.get("/")
    assert response.status_code == 200
    assert response.content == b"0123456789"
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["content-length"] == "10"
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["etag"].startswith('"')
    assert "GMT" in response.headers["last-modified"]
    assert ran == [1]


async def test_large_files_are_sent_in_chunks(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(os.urandom(CHUNK_SIZE * 2 + 5))
    sent = await call(FileResponse(path))
    bodies = [m for m in sent if m["type"] == "http.response.body"]
    assert len(bodies) == 4
    assert body_of(sent) == path.read_bytes()


async def test_stat_result_given_up_front(data_file: Path) -> None:
    response = FileResponse(
        data_file, stat_result=os.stat(data_file), media_type="application/x-thing"
    )
    assert response.headers["content-length"] == "10"
    assert headers_of(await call(response))[b"content-type"] == b"application/x-thing"


async def test_head_and_method_argument(data_file: Path) -> None:
    assert body_of(await call(FileResponse(data_file), http_scope("HEAD"))) == b""
    sent = await call(FileResponse(data_file, method="HEAD"))
    assert body_of(sent) == b""
    assert headers_of(sent)[b"content-length"] == b"10"


def test_content_disposition_header(data_file: Path) -> None:
    plain = FileResponse(data_file, filename="report.txt")
    assert plain.headers["content-disposition"] == 'attachment; filename="report.txt"'
    inline = FileResponse(data_file, filename="café.txt", content_disposition_type="inline")
    assert (
        inline.headers["content-disposition"]
        == "inline; filename=\"caf.txt\"; filename*=utf-8''caf%C3%A9.txt"
    )


def test_content_disposition_cannot_break_the_header() -> None:
    value = content_disposition("attachment", 'a"; evil=1\r\n.txt')
    assert "\r" not in value
    assert "\n" not in value
    assert 'filename="a; evil=1.txt"' in value


@given(st.text(max_size=40))
def test_content_disposition_property(name: str) -> None:
    value = content_disposition("attachment", name)
    assert not any(c in value for c in "\r\n\x00")
    fallback = value.split('filename="', 1)[1].split('"', 1)[0]
    assert '"' not in fallback
    assert "\\" not in fallback


def test_conditional_requests_get_304(data_file: Path) -> None:
    client = TestClient(FileResponse(data_file))
    first = client.get("/")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    for headers in ({"if-none-match": etag}, {"if-none-match": f'W/{etag}, "other"'}, {"if-none-match": "*"},
                    {"if-modified-since": modified}):  # fmt: skip
        answer = client.get("/", headers=headers)
        assert answer.status_code == 304, headers
        assert answer.content == b""
        assert answer.headers["etag"] == etag
    assert client.get("/", headers={"if-none-match": '"nope"'}).status_code == 200
    assert (
        client.get("/", headers={"if-modified-since": "Thu, 01 Jan 1970 00:00:00 GMT"}).status_code
        == 200
    )
    assert client.get("/", headers={"if-modified-since": "garbage"}).status_code == 200
    assert client.post("/", headers={"if-none-match": etag}).status_code == 200


def test_single_and_multiple_ranges(data_file: Path) -> None:
    client = TestClient(FileResponse(data_file))
    single = client.get("/", headers={"range": "bytes=2-4"})
    assert (single.status_code, single.content) == (206, b"234")
    assert single.headers["content-range"] == "bytes 2-4/10"
    assert single.headers["content-length"] == "3"
    multi = client.get("/", headers={"range": "bytes=0-1,5-6"})
    assert multi.status_code == 206
    boundary = multi.headers["content-type"].split("boundary=")[1]
    assert multi.headers["content-type"].startswith("multipart/byteranges")
    assert int(multi.headers["content-length"]) == len(multi.content)
    parts = multi.content.split(f"--{boundary}".encode())
    assert b"content-range: bytes 0-1/10\r\n\r\n01\r\n" in parts[1]
    assert b"content-range: bytes 5-6/10\r\n\r\n56\r\n" in parts[2]
    assert parts[3] == b"--\r\n"


async def test_ranges_with_head(data_file: Path) -> None:
    single = await call(FileResponse(data_file), http_scope("HEAD", [(b"range", b"bytes=0-1")]))
    assert single[0]["status"] == 206
    assert body_of(single) == b""
    multi = await call(FileResponse(data_file), http_scope("HEAD", [(b"range", b"bytes=0-1,4-5")]))
    assert multi[0]["status"] == 206
    assert body_of(multi) == b""


def test_unsatisfiable_and_ignored_ranges(data_file: Path) -> None:
    client = TestClient(FileResponse(data_file))
    unsatisfiable = client.get("/", headers={"range": "bytes=50-"})
    assert unsatisfiable.status_code == 416
    assert unsatisfiable.headers["content-range"] == "bytes */10"
    for header in ("bytes=5-2", "items=0-1", "bytes="):
        assert client.get("/", headers={"range": header}).status_code == 200


def test_if_range(data_file: Path) -> None:
    client = TestClient(FileResponse(data_file))
    first = client.get("/")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert client.get("/", headers={"range": "bytes=0-0", "if-range": etag}).status_code == 206
    assert client.get("/", headers={"range": "bytes=0-0", "if-range": modified}).status_code == 206
    assert client.get("/", headers={"range": "bytes=0-0", "if-range": '"stale"'}).status_code == 200
    assert (
        client.get(
            "/", headers={"range": "bytes=0-0", "if-range": "Mon, 01 Jan 2001 00:00:00 GMT"}
        ).status_code
        == 200
    )


async def test_pathsend_when_offered(data_file: Path) -> None:
    sent = await call(
        FileResponse(data_file), http_scope(extensions={"http.response.pathsend": {}})
    )
    assert sent[-1] == {"type": "http.response.pathsend", "path": str(data_file)}


async def test_missing_file_and_directory_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="does not exist"):
        await call(FileResponse(tmp_path / "missing.txt"))
    with pytest.raises(RuntimeError, match="is not a file"):
        await call(FileResponse(tmp_path))


async def test_file_shrinking_while_sending_stops_cleanly(data_file: Path) -> None:
    response = FileResponse(data_file, stat_result=os.stat(data_file))
    data_file.write_bytes(b"012")
    assert body_of(await call(response)) == b"012"


async def test_missing_aiofiles_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, data_file: Path
) -> None:
    monkeypatch.setitem(sys.modules, "aiofiles", None)
    with pytest.raises(RuntimeError, match=r"asgi-responses\[files\]"):
        await call(FileResponse(data_file))


def test_non_200_status_skips_conditionals_and_ranges(data_file: Path) -> None:
    client = TestClient(FileResponse(data_file, status_code=404))
    answer = client.get("/", headers={"range": "bytes=0-1", "if-none-match": "*"})
    assert (answer.status_code, answer.content) == (404, b"0123456789")
