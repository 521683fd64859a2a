import codecs
import threading
import tracemalloc
from collections.abc import AsyncIterator
from tempfile import SpooledTemporaryFile
from typing import Any

import pytest

from asgi_protocol.datastructures import FormData, Headers, UploadFile
from asgi_protocol.exceptions import ToolkitDeprecationWarning
from asgi_requests import FormError, formparsers
from asgi_requests.formparsers import FormMessage, FormParser, MultiPartException, MultiPartParser

URLENCODED = Headers({"content-type": "application/x-www-form-urlencoded"})


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


def multipart_headers(content_type: str = "multipart/form-data; boundary=B") -> Headers:
    return Headers({"content-type": content_type})


def test_multipart_exception_is_the_form_error() -> None:
    assert MultiPartException is FormError
    error = MultiPartException("Too many fields.")
    assert (error.status_code, error.detail, error.message) == (
        400,
        "Too many fields.",
        error.detail,
    )
    assert str(error) == "Too many fields."


def test_form_message_still_imports_but_warns_when_used() -> None:
    assert FormMessage.FIELD_START.value == 1  # reading a member doesn't warn
    with pytest.warns(ToolkitDeprecationWarning, match="`FormMessage` is deprecated"):
        assert FormMessage(5) is FormMessage.END


async def test_urlencoded_fields_split_anywhere_across_chunks() -> None:
    body = b"a=1&name=J%C3%BCrgen+M&blank=&flag&&=v&a=2&raw=\xc3\xa9"
    for size in (1, 2, 3, 7, len(body)):
        parts = [body[i : i + size] for i in range(0, len(body), size)]
        form = await FormParser(URLENCODED, chunks(*parts)).parse()
        assert form.multi_items() == [
            ("a", "1"),
            ("name", "Jürgen M"),
            ("blank", ""),
            ("flag", ""),
            ("", "v"),
            ("a", "2"),
            ("raw", "é"),
        ]


async def test_urlencoded_without_a_final_empty_chunk_and_empty() -> None:
    form = await FormParser(URLENCODED, chunks(b"first=one&second=two")).parse()
    assert form == FormData([("first", "one"), ("second", "two")])
    assert await FormParser(URLENCODED, chunks()).parse() == FormData()
    assert await FormParser(URLENCODED, chunks(b"&", b"&")).parse() == FormData()


async def test_urlencoded_limits_stop_inside_one_chunk() -> None:
    parser = FormParser(
        URLENCODED, chunks(b"&".join(b"f%d=" % i for i in range(10_000))), max_fields=10
    )
    with pytest.raises(
        MultiPartException, match=r"^Too many fields. Maximum number of fields is 10.$"
    ):
        await parser.parse()
    assert parser._current_fields == 11

    parser = FormParser(URLENCODED, chunks(b"field=" + b"x" * 100_000), max_part_size=1024)
    with pytest.raises(MultiPartException, match=r"^Field exceeded maximum size of 1KB.$"):
        await parser.parse()
    assert len(parser._field_value) <= 1024


@pytest.mark.parametrize(
    "body",
    [b"x" * 11 + b"=v", b"k=" + b"x" * 11, b"k=" + b"x" * 6 + b"&" + b"y" * 11],
)
async def test_urlencoded_name_and_value_each_have_the_part_limit(body: bytes) -> None:
    with pytest.raises(FormError, match="^Field exceeded maximum size of 10 bytes.$"):
        await FormParser(URLENCODED, chunks(body[:5], body[5:]), max_part_size=10).parse()


async def test_urlencoded_at_the_limits_is_accepted() -> None:
    form = await FormParser(
        URLENCODED, chunks(b"k" * 10 + b"=" + b"v" * 10), max_part_size=10
    ).parse()
    assert form["k" * 10] == "v" * 10
    form = await FormParser(URLENCODED, chunks(b"a&b"), max_fields=2).parse()
    assert list(form) == ["a", "b"]


def body(*parts: bytes) -> bytes:
    return b"".join(b"--B\r\n" + part + b"\r\n" for part in parts) + b"--B--\r\n"


@pytest.mark.parametrize(
    ("charset", "raw", "expected"),
    [
        ("utf-8", b"\xc4\x99\xc5\xbc", "ęż"),
        ("utf-8", b"\xe9", "é"),  # not UTF-8: read as latin-1 rather than mangled
        ("latin-1", b"\xe9", "é"),
        ("no-such-charset", b"\xe9", "é"),
    ],
)
async def test_multipart_text_is_read_in_the_forms_charset(
    charset: str, raw: bytes, expected: str
) -> None:
    headers = multipart_headers(f"multipart/form-data; charset={charset}; boundary=B")
    content = body(b'Content-Disposition: form-data; name="v"\r\n\r\n' + raw)
    form = await MultiPartParser(headers, chunks(content)).parse()
    assert form["v"] == expected


async def test_multipart_file_name_in_raw_utf8_and_charset_looked_up_once() -> None:
    searched: list[str] = []

    def search(name: str) -> None:
        searched.append(name)

    content = body(
        b'Content-Disposition: form-data; name="f"; filename="\xe7\x94\xbb.txt"\r\n\r\nx',
        b'Content-Disposition: form-data; name="one"\r\n\r\n1',
        b'Content-Disposition: form-data; name="two"\r\n\r\n2',
    )
    codecs.register(search)
    try:
        headers = multipart_headers("multipart/form-data; charset=toolkit-unknown; boundary=B")
        await (await MultiPartParser(headers, chunks(content)).parse()).close()
    finally:
        codecs.unregister(search)
    assert searched == ["toolkit_unknown"]
    form = await MultiPartParser(multipart_headers(), chunks(content)).parse()
    upload = form["f"]
    assert isinstance(upload, UploadFile)
    assert upload.filename == "画.txt"
    await form.close()


async def test_a_part_with_more_than_eight_headers_is_invalid() -> None:
    extra = b"".join(b"X-Extra-%d: v\r\n" % i for i in range(8))
    content = body(b'Content-Disposition: form-data; name="a"\r\n' + extra + b"\r\nvalue")
    with pytest.raises(FormError, match=r"^Invalid multipart data.$"):
        await MultiPartParser(multipart_headers(), chunks(content)).parse()
    seven = b"".join(b"X-Extra-%d: v\r\n" % i for i in range(7))
    content = body(b'Content-Disposition: form-data; name="a"\r\n' + seven + b"\r\nvalue")
    assert (await MultiPartParser(multipart_headers(), chunks(content)).parse())["a"] == "value"


async def test_file_rolls_to_disk_past_spool_max_size_in_a_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rollovers: list[int | None] = []

    class Tracking(SpooledTemporaryFile[bytes]):
        def rollover(self) -> None:
            rollovers.append(threading.current_thread().ident)
            super().rollover()

    monkeypatch.setattr(formparsers, "SpooledTemporaryFile", Tracking)
    monkeypatch.setattr(MultiPartParser, "spool_max_size", 10)
    content = body(b'Content-Disposition: form-data; name="f"; filename="a"\r\n\r\n' + b"x" * 11)
    form = await MultiPartParser(multipart_headers(), chunks(content)).parse()
    upload = form["f"]
    assert isinstance(upload, UploadFile)
    assert upload.size == 11
    assert await upload.read() == b"x" * 11
    assert rollovers
    assert threading.current_thread().ident not in rollovers
    await form.close()


async def test_default_spool_size_is_one_mebibyte() -> None:
    assert MultiPartParser.spool_max_size == 1024 * 1024


@pytest.mark.parametrize("failure", ["stream", "write"])
async def test_open_files_are_closed_when_the_stream_or_a_write_fails(
    failure: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    created: list[SpooledTemporaryFile[bytes]] = []

    class Failing(SpooledTemporaryFile[bytes]):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            created.append(self)

        def write(self, data: Any) -> int:
            if failure == "write":
                raise OSError("disk full")
            return super().write(data)

    async def stream() -> AsyncIterator[bytes]:
        yield b'--B\r\nContent-Disposition: form-data; name="f"; filename="a"\r\n\r\ncontent'
        raise RuntimeError("stream failed")

    monkeypatch.setattr(formparsers, "SpooledTemporaryFile", Failing)
    with pytest.raises((RuntimeError, OSError), match="stream failed|disk full"):
        await MultiPartParser(multipart_headers(), stream()).parse()
    assert created
    assert all(spool.closed for spool in created)


def test_size_in_reasons() -> None:
    assert formparsers._size(1024 * 1024) == "1024KB"
    assert formparsers._size(1000) == "1000 bytes"


async def test_one_huge_chunk_is_fed_in_slices_so_a_limit_stops_it_early() -> None:
    fields = b"".join(
        b'--B\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nv\r\n' % i
        for i in range(100_000)
    )
    parser = MultiPartParser(multipart_headers(), chunks(fields + b"--B--\r\n"), max_fields=10)
    tracemalloc.start()
    try:
        with pytest.raises(FormError, match="Too many fields"):
            await parser.parse()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Fed whole, the parser would first record events for all 100,000 parts (tens of MB).
    assert peak < 4 * 1024 * 1024


async def test_a_files_data_is_written_in_pieces_of_write_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    writes: list[int] = []

    class Counting(SpooledTemporaryFile[bytes]):
        def write(self, data: Any) -> int:
            writes.append(len(data))
            return super().write(data)

    monkeypatch.setattr(formparsers, "SpooledTemporaryFile", Counting)
    monkeypatch.setattr(formparsers, "FEED_SIZE", 10)
    monkeypatch.setattr(formparsers, "WRITE_SIZE", 25)
    data = bytes(range(100))
    content = body(b'Content-Disposition: form-data; name="f"; filename="a"\r\n\r\n' + data)
    form = await MultiPartParser(multipart_headers(), chunks(content[:90], content[90:])).parse()
    upload = form["f"]
    assert isinstance(upload, UploadFile)
    assert await upload.read() == data
    # The first message ends 27 bytes into the data: written then. The rest is fed 10 bytes
    # at a time and written once 25 or more gathered (30), and the last 13 at the part's end.
    assert writes == [27, 30, 30, 13]
    await form.close()
