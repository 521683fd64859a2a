import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from resp_driver import body_of, call, headers_of, http_scope

from asgi_protocol.types import Message
from asgi_responses import FileResponse, content_disposition
from asgi_responses._base import websocket_denial_send
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
    assert response.headers["content-type"] == "text/plain; charset=utf-8"  # guessed from .txt
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
    assert len(bodies) == 4  # two full chunks, the rest, the end
    assert headers_of(sent)[b"content-type"] == b"application/octet-stream"  # no guess
    assert body_of(sent) == path.read_bytes()


async def test_stat_result_given_up_front(data_file: Path) -> None:
    response = FileResponse(
        data_file, stat_result=os.stat(data_file), media_type="application/x-thing"
    )
    assert response.headers["content-length"] == "10"
    assert headers_of(await call(response))[b"content-type"] == b"application/x-thing"


async def test_head_and_method_argument(data_file: Path) -> None:
    assert body_of(await call(FileResponse(data_file), http_scope("HEAD"))) == b""
    assert body_of(await call(FileResponse(data_file), http_scope("head"))) == b""
    sent = await call(FileResponse(data_file, method="HEAD"))
    assert body_of(sent) == b""
    assert headers_of(sent)[b"content-length"] == b"10"


def test_content_disposition_header(data_file: Path) -> None:
    plain = FileResponse(data_file, filename="report.txt")
    assert plain.headers["content-disposition"] == 'attachment; filename="report.txt"'
    inline = FileResponse(data_file, filename="café.txt", content_disposition_type="inline")
    assert inline.headers["content-disposition"] == "inline; filename*=utf-8''caf%C3%A9.txt"


def test_content_disposition_cannot_break_the_header() -> None:
    value = content_disposition("attachment", 'a"; evil=1\r\n.txt')
    assert "\r" not in value
    assert "\n" not in value
    assert value == "attachment; filename*=utf-8''a%22%3B%20evil%3D1%0D%0A.txt"


@given(st.text(max_size=40))
def test_content_disposition_property(name: str) -> None:
    value = content_disposition("attachment", name)
    assert not any(c in value for c in "\r\n\x00")
    if 'filename="' in value:
        quoted = value.split('filename="', 1)[1][:-1]
        assert quoted == name
        assert '"' not in quoted
        assert "\\" not in quoted


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
    assert parts[1] == b"\r\nContent-Type: text/plain; charset=utf-8\r\n" + (
        b"Content-Range: bytes 0-1/10\r\n\r\n01\r\n"
    )
    assert b"Content-Range: bytes 5-6/10\r\n\r\n56\r\n" in parts[2]
    assert parts[3] == b"--"  # the closing delimiter ends the body


async def test_ranges_with_head(data_file: Path) -> None:
    single = await call(FileResponse(data_file), http_scope("HEAD", [(b"range", b"bytes=0-1")]))
    assert single[0]["status"] == 206
    assert body_of(single) == b""
    multi = await call(FileResponse(data_file), http_scope("HEAD", [(b"range", b"bytes=0-1,4-5")]))
    assert multi[0]["status"] == 206
    assert body_of(multi) == b""


def test_unsatisfiable_and_malformed_ranges(data_file: Path) -> None:
    client = TestClient(FileResponse(data_file))
    unsatisfiable = client.get("/", headers={"range": "bytes=50-"})
    assert unsatisfiable.status_code == 416
    assert unsatisfiable.headers["content-range"] == "bytes */10"
    for header, reason in [
        ("bytes=5-2", "Range header: start must be less than end"),
        ("items=0-1", "Only support bytes range"),
        ("bytes=", "Range header: range must be requested"),
        ("bytes: 0-1", "Malformed range header."),
    ]:
        answer = client.get("/", headers={"range": header})
        assert (answer.status_code, answer.text) == (400, reason)
    head = client.head("/", headers={"range": "items=0-1"})
    assert (head.status_code, head.content) == (400, b"")


def test_too_many_ranges_send_the_whole_file(data_file: Path) -> None:
    client = TestClient(FileResponse(data_file))
    answer = client.get("/", headers={"range": "bytes=" + ",".join(["0-0"] * 101)})
    assert (answer.status_code, answer.content) == (200, b"0123456789")
    assert "content-range" not in answer.headers


def test_ranges_only_for_get_and_head(data_file: Path) -> None:
    client = TestClient(FileResponse(data_file))
    for method in ("POST", "PUT", "DELETE"):
        answer = client.request(method, "/", headers={"range": "bytes=0-1"})
        assert (answer.status_code, answer.content) == (200, b"0123456789"), method
        assert "content-range" not in answer.headers
    assert client.head("/", headers={"range": "bytes=0-1"}).status_code == 206


def test_if_range(data_file: Path) -> None:
    client = TestClient(FileResponse(data_file))
    first = client.get("/")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert client.get("/", headers={"range": "bytes=0-0", "if-range": etag}).status_code == 206
    assert client.get("/", headers={"range": "bytes=0-0", "if-range": modified}).status_code == 206
    assert client.get("/", headers={"range": "bytes=0-0", "if-range": '"stale"'}).status_code == 200
    weak = client.get("/", headers={"range": "bytes=0-0", "if-range": f"W/{etag}"})
    assert (weak.status_code, weak.content) == (200, b"0123456789")  # weak tags can't vouch
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


@pytest.mark.parametrize("range_header", [None, b"bytes=0-5", b"bytes=0-1,4-6"])
async def test_file_shrinking_while_sending_is_an_error(
    data_file: Path, range_header: bytes | None
) -> None:
    # The length is already promised in the headers: a short body must fail, not end early.
    response = FileResponse(data_file, stat_result=os.stat(data_file))
    data_file.write_bytes(b"012")
    headers = [] if range_header is None else [(b"range", range_header)]
    with pytest.raises(RuntimeError, match="is shorter than expected"):
        await call(response, http_scope(headers=headers))


def test_non_200_status_skips_conditionals_and_ranges(data_file: Path) -> None:
    client = TestClient(FileResponse(data_file, status_code=404))
    answer = client.get("/", headers={"range": "bytes=0-1", "if-none-match": "*"})
    assert (answer.status_code, answer.content) == (404, b"0123456789")


async def test_a_websocket_denial_sends_the_file_as_websocket_messages(data_file: Path) -> None:
    sent = await call(
        FileResponse(data_file, status_code=401), {"type": "websocket", "path": "/", "headers": []}
    )
    assert [m["type"] for m in sent] == [
        "websocket.http.response.start",
        "websocket.http.response.body",
        "websocket.http.response.body",
    ]
    assert (sent[0]["status"], body_of(sent)) == (401, b"0123456789")


async def test_the_denial_send_passes_other_messages_unchanged() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    denial = websocket_denial_send(send)
    await denial({"type": "websocket.http.response.start", "status": 403, "headers": []})
    await denial({"type": "http.response.body", "body": b"x"})
    assert [m["type"] for m in sent] == [
        "websocket.http.response.start",
        "websocket.http.response.body",
    ]
