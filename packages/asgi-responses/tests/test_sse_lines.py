"""SSE line handling per the event-stream spec, and header merging."""

from pathlib import Path

from resp_driver import body_of, call, headers_of, http_scope

from asgi_responses import EventSourceResponse, FileResponse, ServerSentEvent


def test_only_cr_and_lf_break_data_lines() -> None:
    text = "a\u2028b\x0cc\x85d"  # str.splitlines() would split all of these
    assert ServerSentEvent(data=text).encode() == f"data: {text}\n\n".encode()
    assert ServerSentEvent(data="a\r\nb\rc").encode() == b"data: a\ndata: b\ndata: c\n\n"
    assert ServerSentEvent(comment="x\u2029y").encode() == ": x\u2029y\n\n".encode()


def test_trailing_newline_in_data_survives() -> None:
    # A client joins data lines with "\n": "a\n" must come back as "a\n", not "a".
    assert ServerSentEvent(data="a\n").encode() == b"data: a\ndata: \n\n"


async def test_user_headers_replace_defaults_whatever_their_case() -> None:
    response = EventSourceResponse(iter(["x"]), headers={"Cache-Control": "no-store"}, ping=None)
    assert response.headers.getlist("cache-control") == ["no-store"]
    sent = await call(response)
    assert headers_of(sent)[b"x-accel-buffering"] == b"no"
    assert body_of(sent) == b"data: x\n\n"


async def test_head_with_unsatisfiable_range_has_no_body(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(b"0123456789")
    scope = http_scope("HEAD", headers=[(b"range", b"bytes=50-60")])
    sent = await call(FileResponse(path), scope)
    assert sent[0]["status"] == 416
    assert headers_of(sent)[b"content-range"] == b"bytes */10"
    assert int(headers_of(sent)[b"content-length"]) > 0
    assert body_of(sent) == b""
    sent = await call(FileResponse(path), http_scope(headers=[(b"range", b"bytes=50-60")]))
    assert body_of(sent) == b"No requested range overlaps the file"
