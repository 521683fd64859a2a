"""Parsing the Range header (RFC 9110 section 14) with bounded work.

The header is attacker-controlled: a few kilobytes can hold thousands of ranges. Parsing is one
pass, merging is a sort, and the count is capped, so the cost stays linear-ish in the header.
"""

from __future__ import annotations

MAX_RANGES = 100  # after merging; more is refused with 416
MAX_HEADER = 8192  # characters of Range header we are willing to read


_BIG = 10**18  # any position with more digits than this is past the end of every real file


def _is_number(text: str) -> bool:
    # ASCII only: str.isdigit() also accepts "²" or Arabic-Indic digits, which int() then rejects or misreads.
    return text.isascii() and text.isdigit()


def _number(text: str) -> int:
    # Capped length: int() of thousands of digits is slow and past 4300 raises ValueError.
    digits = text.lstrip("0")  # leading zeros don't make a number big
    return int(digits or "0") if len(digits) <= 18 else _BIG


class RangeNotSatisfiable(Exception):
    """No requested range overlaps the file, or the request asks for too many ranges."""


def parse_range(header: str, size: int) -> list[tuple[int, int]] | None:
    """The requested byte ranges as sorted, merged (start, end-exclusive) pairs.

    None means "ignore the header and send the whole file": another unit, or a header that
    doesn't parse (RFC 9110 lets a server ignore an invalid Range). RangeNotSatisfiable means 416.
    """
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or not spec.strip():
        return None
    if len(header) > MAX_HEADER:
        raise RangeNotSatisfiable("Range header too long")
    ranges: list[tuple[int, int]] = []
    for part in spec.split(","):
        first, dash, last = part.strip().partition("-")
        if not dash:
            return None
        first, last = first.strip(), last.strip()
        if not (_is_number(first) or first == "") or not (_is_number(last) or last == ""):
            return None
        if first == "":
            if last == "":
                return None
            suffix = _number(last)
            if suffix == 0 or size == 0:  # nothing to take the last bytes of
                continue
            ranges.append((max(size - suffix, 0), size))
            continue
        start = _number(first)
        if last != "" and _number(last) < start:
            return None  # a reversed range is invalid syntax
        if start >= size:
            continue  # unsatisfiable on its own; others may still be satisfiable
        end = size if last == "" else _number(last) + 1
        ranges.append((start, min(end, size)))
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
    if len(merged) > MAX_RANGES:
        raise RangeNotSatisfiable(f"More than {MAX_RANGES} ranges requested")
    return merged
