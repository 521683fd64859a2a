"""Property tests for the parsers the packages' own suites don't already fuzz.

Range "never raises" and content-disposition "no CR/LF" already have properties in
asgi-responses; here Range is checked against a brute-force model, content-disposition for the
filename* round-trip, and cookies and multipart get theirs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from itertools import pairwise
from urllib.parse import unquote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asgi_requests import FormError, MultiPartParser, parse_cookie_header
from asgi_responses import (
    MalformedRangeHeader,
    RangeNotSatisfiable,
    content_disposition,
    parse_range,
)
from asgi_toolkit.datastructures import Headers, UploadFile

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---- cookies -------------------------------------------------------------------------------

cookie_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-",
                       min_size=1, max_size=10)  # fmt: skip
cookie_values = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789!#$%&'()*+-./:<>?@[]^_`{|}~",
                        max_size=12)  # fmt: skip


@FAST
@given(st.text(max_size=300))
def test_parse_cookie_header_never_raises(header: str) -> None:
    cookies = parse_cookie_header(header)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in cookies.items())
    assert all(k == k.strip() for k in cookies)
    assert all(k or v for k, v in cookies.items())  # an unnamed cookie has a value


@FAST
@given(st.lists(st.tuples(cookie_names, cookie_values), max_size=20))
def test_parse_cookie_header_round_trips_simple_pairs(pairs: list[tuple[str, str]]) -> None:
    header = "; ".join(f"{k}={v}" for k, v in pairs)
    expected = dict(pairs)  # a repeated name keeps its last value
    assert parse_cookie_header(header) == expected


# ---- Range ---------------------------------------------------------------------------------

spec = st.one_of(
    st.tuples(st.integers(0, 300), st.integers(0, 300)).map(lambda p: f"{min(p)}-{max(p)}"),
    st.integers(0, 300).map(lambda n: f"{n}-"),
    st.integers(0, 300).map(lambda n: f"-{n}"),
)


@FAST
@given(st.lists(spec, min_size=1, max_size=30), st.integers(0, 250))
def test_parse_range_matches_a_brute_force_model(specs: list[str], size: int) -> None:
    wanted: set[int] = set()
    for item in specs:
        first, _, last = item.partition("-")
        if first == "":
            wanted.update(range(max(size - int(last), 0), size))
        else:
            stop = size if last == "" else min(int(last) + 1, size)
            wanted.update(range(int(first), stop))
    try:
        ranges = parse_range("bytes=" + ", ".join(specs), size)
    except RangeNotSatisfiable:
        assert not wanted
        return
    assert ranges is not None
    assert ranges == sorted(ranges)
    assert all(0 <= start < end <= size for start, end in ranges)
    assert all(a_end < b_start for (_, a_end), (b_start, _) in pairwise(ranges))
    covered = {i for start, end in ranges for i in range(start, end)}
    assert covered == wanted


@FAST
@given(st.text(max_size=100), st.integers(0, 10**6))
def test_parse_range_never_raises_other_errors(header: str, size: int) -> None:
    try:
        result = parse_range("bytes=" + header, size)
    except (RangeNotSatisfiable, MalformedRangeHeader):
        return
    if result is not None:
        assert result == sorted(result)
        assert all(0 <= start < end <= size for start, end in result)
        assert all(a_end < b_start for (_, a_end), (b_start, _) in pairwise(result))


# ---- content-disposition -------------------------------------------------------------------


@FAST
@given(st.text(min_size=1, max_size=40), st.sampled_from(["attachment", "inline"]))
def test_content_disposition_round_trips_filename_star(name: str, kind: str) -> None:
    value = content_disposition(kind, name)
    assert "\r" not in value
    assert "\n" not in value
    assert value.startswith((f"{kind}; filename=", f"{kind}; filename*="))
    if "filename*=" in value:
        encoded = value.split("filename*=utf-8''", 1)[1]
        assert not set(encoded) & set('; "')
        assert unquote(encoded, encoding="utf-8", errors="strict") == name
    else:
        assert value == f'{kind}; filename="{name}"'


# ---- multipart -----------------------------------------------------------------------------

BOUNDARY = "propertyboundary"
HEADERS = Headers({"content-type": f"multipart/form-data; boundary={BOUNDARY}"})
field_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-.", min_size=1, max_size=12)
# raw_filename is checked: `.`, `..` and spaces-only names are sent as well (filename is "").
filenames = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-. ", min_size=1, max_size=12)
# Data may contain anything, including CR/LF and dashes, but not the delimiter itself.
part_data = st.binary(max_size=200).filter(lambda b: BOUNDARY.encode() not in b)


async def chunks(body: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]
    yield b""


def encode(parts: list[tuple[str, str | None, bytes]]) -> bytes:
    out = bytearray()
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out += (
            f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n"
        )
    return bytes(out + f"--{BOUNDARY}--\r\n".encode())


@FAST
@given(
    st.lists(st.tuples(field_names, st.one_of(st.none(), filenames), part_data), max_size=8),
    st.integers(1, 64),
)
def test_valid_multipart_bodies_parse_back(
    parts: list[tuple[str, str | None, bytes]], chunk_size: int
) -> None:
    async def main() -> list[tuple[str, str | None, bytes]]:
        form = await MultiPartParser(HEADERS, chunks(encode(parts), chunk_size)).parse()
        decoded: list[tuple[str, str | None, bytes]] = []
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                decoded.append((name, value.raw_filename, await value.read()))
                await value.close()
            else:
                decoded.append((name, None, value.encode("utf-8")))
        return decoded

    def as_text(data: bytes) -> bytes:  # UTF-8, or latin-1 where the bytes aren't UTF-8
        try:
            return data.decode("utf-8").encode()
        except UnicodeDecodeError:
            return data.decode("latin-1").encode()

    expected = [
        (name, filename, data if filename is not None else as_text(data))
        for name, filename, data in parts
    ]
    assert asyncio.run(main()) == expected


@FAST
@given(st.binary(max_size=400), st.integers(1, 64))
def test_arbitrary_bytes_raise_only_form_error(body: bytes, chunk_size: int) -> None:
    async def main() -> None:
        try:
            form = await MultiPartParser(HEADERS, chunks(body, chunk_size)).parse()
        except FormError:
            return
        await form.close()

    asyncio.run(main())


@FAST
@given(st.lists(st.tuples(field_names, part_data), min_size=1, max_size=4), st.data())
def test_mutated_valid_bodies_raise_only_form_error(
    parts: list[tuple[str, bytes]], data: st.DataObject
) -> None:
    body = bytearray(encode([(name, None, value) for name, value in parts]))
    for _ in range(data.draw(st.integers(1, 5))):
        index = data.draw(st.integers(0, len(body) - 1))
        body[index] = data.draw(st.integers(0, 255))

    async def main() -> None:
        try:
            form = await MultiPartParser(HEADERS, chunks(bytes(body), 7)).parse()
        except FormError:
            return
        await form.close()

    asyncio.run(main())
