"""What one hostile form message costs: every limit stops the parse inside the message.

A server may hand the app a whole body in one message (12 MB here). The work done before a
limit refuses it must not grow with that message: python-multipart is fed a bounded slice at a
time and each slice's events are checked before the next, a part's header is read at C speed,
and runs of nothing (`&&&...`) are passed over in one step. Each case is timed with a bound far
above what it costs (a few ms) and far below what it cost before (seconds), and its memory is
checked, which does not depend on the machine's load.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import AsyncIterator, Callable

import pytest
from hostile_helpers import BOUNDARY

from asgi_protocol import Headers
from asgi_requests import FormError, FormParser, MultiPartParser

MULTIPART = Headers({"content-type": f"multipart/form-data; boundary={BOUNDARY}"})
URLENCODED = Headers({"content-type": "application/x-www-form-urlencoded"})
TIME_BOUND = 0.5  # seconds; before the fixes these took 2 to 7 s, now 1 to 30 ms
MEMORY_BOUND = 8 * 1024 * 1024  # beyond the message itself


def parts(count: int, disposition: str = "", data: bytes = b"v") -> bytes:
    one = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="f"{disposition}\r\n\r\n'
    return (one.encode() + data + b"\r\n") * count + f"--{BOUNDARY}--\r\n".encode()


def header_lines(count: int) -> bytes:
    head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="f"\r\n'.encode()
    return head + b"X-Junk: y\r\n" * count + b"\r\nv\r\n" + f"--{BOUNDARY}--\r\n".encode()


# Built when a test runs, not at import: eight 12 MB bodies would sit in memory all along.
CASES: dict[str, tuple[Headers, Callable[[], bytes], str | None]] = {
    "200k tiny fields": (MULTIPART, lambda: parts(200_000), "Too many fields"),
    "200k tiny files": (MULTIPART, lambda: parts(200_000, '; filename="a"'), "Too many files"),
    "1000 parts of 8 KB parameters": (
        MULTIPART,
        lambda: parts(1000, "; a=b" * 1600),
        "Too many parameters",
    ),
    "1000 parts of 8 KB junk parameters": (
        MULTIPART,
        lambda: parts(1000, ";" * 8000),
        "Too many parameters",
    ),
    "200k header lines in a part": (
        MULTIPART,
        lambda: header_lines(200_000),
        "Invalid multipart",
    ),
    "a 12 MB header line without CRLF": (
        MULTIPART,
        lambda: (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="f"; x='.encode()
            + b"y" * 12_000_000
        ),
        "Invalid multipart",
    ),
    "12 MB of ampersands": (URLENCODED, lambda: b"&" * 12_000_000, None),
    "200k tiny urlencoded fields": (URLENCODED, lambda: b"a=1&" * 200_000, "Too many fields"),
}


async def one_message(body: bytes) -> AsyncIterator[bytes]:
    yield body


async def parse(headers: Headers, body: bytes) -> str | None:
    """The reason the form was refused, or None when it parsed."""
    parser_type = MultiPartParser if headers is MULTIPART else FormParser
    try:
        form = await parser_type(headers, one_message(body)).parse()
    except FormError as exc:
        return exc.message
    await form.close()
    return None


@pytest.mark.parametrize("case", list(CASES))
async def test_one_hostile_message_costs_little_time(case: str) -> None:
    headers, build, refusal = CASES[case]
    body = build()
    start = time.perf_counter()
    reason = await parse(headers, body)
    elapsed = time.perf_counter() - start
    assert (reason is None) if refusal is None else (reason or "").startswith(refusal), reason
    assert elapsed < TIME_BOUND, f"{case}: {elapsed:.3f} s"


@pytest.mark.parametrize(
    "case", ["200k tiny fields", "200k tiny files", "200k header lines in a part"]
)
async def test_one_hostile_message_costs_little_memory(case: str) -> None:
    headers, build, _ = CASES[case]
    body = build()
    tracemalloc.start()
    try:
        await parse(headers, body)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_BOUND, f"{case}: {peak / 1e6:.1f} MB"
