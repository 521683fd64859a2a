import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asgi_responses import MalformedRangeHeader, RangeNotSatisfiable, parse_range


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-4", [(0, 5)]),
        ("bytes=5-", [(5, 10)]),
        ("bytes=-3", [(7, 10)]),
        ("bytes=-30", [(0, 10)]),
        ("bytes=0-1, 1-3,8-", [(0, 4), (8, 10)]),
        ("bytes=6-7,0-1", [(0, 2), (6, 8)]),
        ("bytes=2-999", [(2, 10)]),
        ("bytes=0-0,-0,20-", [(0, 1)]),
        ("BYTES = 1-1", [(1, 2)]),
        # parts that don't parse are skipped, the rest is served
        ("bytes=100, 0-5", [(0, 6)]),
        ("bytes= - , 0-5", [(0, 6)]),
        ("bytes=abc-def, 0-5", [(0, 6)]),
        ("bytes=1-x,2-2", [(2, 3)]),
    ],
)
def test_valid_ranges_are_sorted_merged_and_clamped(
    header: str, expected: list[tuple[int, int]]
) -> None:
    assert parse_range(header, 10) == expected


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("bytes 0-1", "Malformed range header."),
        ("items=0-1", "Only support bytes range"),
        ("bytes=", "Range header: range must be requested"),
        ("bytes=abc", "Range header: range must be requested"),
        ("bytes=1", "Range header: range must be requested"),
        ("bytes=-", "Range header: range must be requested"),
        ("bytes=--1", "Range header: range must be requested"),
        ("bytes=5-3", "Range header: start must be less than end"),
        ("bytes=0-1,5-4", "Range header: start must be less than end"),
    ],
)
def test_malformed_headers_are_refused_with_a_reason(header: str, reason: str) -> None:
    with pytest.raises(MalformedRangeHeader) as info:
        parse_range(header, 10)
    assert str(info.value) == reason
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("header", ["bytes=10-", "bytes=50-60", "bytes=-0"])
def test_unsatisfiable_ranges(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable, match="overlaps"):
        parse_range(header, 10)


def test_abusive_ranges_are_ignored_quickly() -> None:
    # Ignored: the whole file is sent, as RFC 9110 allows and Starlette does.
    start = time.perf_counter()
    limit = "bytes=" + ",".join(f"{i * 2}-{i * 2}" for i in range(100))
    assert parse_range(limit, 10_000) is not None
    many = "bytes=" + ",".join(f"{i * 2}-{i * 2}" for i in range(101))
    assert parse_range(many, 10_000) is None
    assert parse_range("bytes=0-0,2-2,4-4", 10_000, max_ranges=2) is None
    long = "bytes=" + "0" * 9000 + "-1"  # one part, but longer than MAX_HEADER
    assert parse_range(long, 10) is None
    huge = "bytes=" + ",".join("0-1" for _ in range(5000))
    assert parse_range(huge, 10) is None
    assert time.perf_counter() - start < 1.0
    overlapping = "bytes=" + ",".join("0-5" for _ in range(100))
    assert parse_range(overlapping, 10) == [(0, 6)]


@given(st.text(max_size=60), st.integers(min_value=0, max_value=10_000))
def test_never_raises_anything_else_and_stays_in_bounds(header: str, size: int) -> None:
    try:
        ranges = parse_range(header, size)
    except (RangeNotSatisfiable, MalformedRangeHeader):
        return
    if ranges is None:
        return
    assert ranges == sorted(ranges)
    for (start, end), following in zip(ranges, [*ranges[1:], (size + 1, size + 1)], strict=True):
        assert 0 <= start < end <= size
        assert end < following[0]
