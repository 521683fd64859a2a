"""Parsing the Range header (RFC 9110 section 14) with bounded work.

The header is attacker-controlled: a few kilobytes can hold thousands of ranges. The parts are
counted before anything is parsed, parsing is one pass and merging a sort, so the cost stays
linear in a header of bounded length. The answers follow Starlette's: 400 with a short reason
for a header that can't be honoured, 416 when nothing overlaps the file, the whole file when
there are too many parts.
"""

from __future__ import annotations

from asgi_responses.exceptions import MalformedRangeHeader, RangeNotSatisfiable

MAX_RANGES = 100  # parts in one header; more and the header is ignored (the whole file is sent)
MAX_HEADER = 8192  # characters of Range header we are willing to read; longer is ignored too


_BIG = 10**18  # any position with more digits than this is past the end of every real file


def _is_number(text: str) -> bool:
    # ASCII only: str.isdigit() also accepts "²" or Arabic-Indic digits, which int() then rejects or misreads.
    return text.isascii() and text.isdigit()


def _number(text: str) -> int:
    # Capped length: int() of thousands of digits is slow and past 4300 raises ValueError.
    digits = text.lstrip("0")  # leading zeros don't make a number big
    return int(digits or "0") if len(digits) <= 18 else _BIG


def parse_range(
    header: str, size: int, max_ranges: int = MAX_RANGES
) -> list[tuple[int, int]] | None:
    """The requested byte ranges as sorted, merged (start, end-exclusive) pairs.

    Parts that don't parse ("100", " - ", "abc-def") are skipped. None means "ignore the header
    and send the whole file": more than `max_ranges` parts, or a header over MAX_HEADER.
    MalformedRangeHeader means 400 (another unit, no usable part, a reversed range);
    RangeNotSatisfiable means 416 (every part starts past the end).
    """
    unit, equals, spec = header.partition("=")
    if not equals:
        raise MalformedRangeHeader("Malformed range header.")
    if unit.strip().lower() != "bytes":
        raise MalformedRangeHeader("Only support bytes range")
    if len(header) > MAX_HEADER or spec.count(",") >= max_ranges:
        return None  # counted before any parsing, so an abusive header costs one scan
    ranges: list[tuple[int, int]] = []
    requested = False
    for part in spec.split(","):
        first, dash, last = part.strip().partition("-")
        first, last = first.strip(), last.strip()
        if not dash or not (first or last) or not all(_is_number(n) for n in (first, last) if n):
            continue  # "100", " - ", "abc-def": skipped like an empty part
        requested = True
        if first == "":
            suffix = _number(last)
            if suffix and size:  # the last 0 bytes, or any bytes of nothing: unsatisfiable
                ranges.append((max(size - suffix, 0), size))
            continue
        start = _number(first)
        if last != "" and _number(last) < start:
            raise MalformedRangeHeader("Range header: start must be less than end")
        if start < size:  # a part past the end is unsatisfiable alone; others may not be
            end = size if last == "" else _number(last) + 1
            ranges.append((start, min(end, size)))
    if not requested:
        raise MalformedRangeHeader("Range header: range must be requested")
    if not ranges:
        raise RangeNotSatisfiable("No requested range overlaps the file")
    ranges.sort()
    merged = [ranges[0]]
    for start, end in ranges[1:]:
        last_start, last_end = merged[-1]
        if start <= last_end:
            merged[-1] = (last_start, max(last_end, end))
        else:
            merged.append((start, end))
    return merged
