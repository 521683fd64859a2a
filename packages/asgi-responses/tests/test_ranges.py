import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asgi_responses import RangeNotSatisfiable, parse_range


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
    ],
)
def test_valid_ranges_are_sorted_merged_and_clamped(
    header: str, expected: list[tuple[int, int]]
) -> None:
    assert parse_range(header, 10) == expected


@pytest.mark.parametrize(
    "header",
    [
        "items=0-1",
        "bytes=",
        "bytes=abc",
        "bytes=5-3",
        "bytes=1",
        "bytes=-",
        "bytes=1-x",
        "bytes=--1",
    ],
)
def test_invalid_headers_are_ignored(header: str) -> None:
    assert parse_range(header, 10) is None


@pytest.mark.parametrize("header", ["bytes=10-", "bytes=50-60", "bytes=-0"])
def test_unsatisfiable_ranges(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable, match="overlaps"):
        parse_range(header, 10)


def test_abusive_ranges_are_refused_quickly() -> None:
    many = "bytes=" + ",".join(f"{i * 2}-{i * 2}" for i in range(101))
    start = time.perf_counter()
    with pytest.raises(RangeNotSatisfiable, match="More than 100"):
        parse_range(many, 10_000)
    huge = "bytes=" + ",".join("0-1" for _ in range(5000))
    with pytest.raises(RangeNotSatisfiable, match="too long"):
        parse_range(huge, 10)
    assert time.perf_counter() - start < 1.0
    overlapping = "bytes=" + ",".join("0-5" for _ in range(1000))
    assert parse_range(overlapping, 10) == [(0, 6)]


@given(st.text(max_size=60), st.integers(min_value=0, max_value=10_000))
def test_never_raises_anything_else_and_stays_in_bounds(header: str, size: int) -> None:
    try:
        ranges = parse_range(header, size)
    except RangeNotSatisfiable:
        return
    if ranges is None:
        return
    assert ranges == sorted(ranges)
    for (start, end), following in zip(ranges, [*ranges[1:], (size + 1, size + 1)], strict=True):
        assert 0 <= start < end <= size
        assert end < following[0]
