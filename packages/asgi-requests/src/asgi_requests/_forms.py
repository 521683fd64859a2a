"""Content-Type parameters: the media type and its options, as form parsing needs them."""

from __future__ import annotations


def parse_options_header(value: str) -> tuple[str, dict[str, str]]:
    """`multipart/form-data; boundary="x"` -> ("multipart/form-data", {"boundary": "x"}).

    Quoted strings may hold `;` and backslash escapes. Junk parameters (no `=`) are skipped
    rather than rejected: a header with junk in it still has a usable main value.
    """
    main, _, rest = value.partition(";")
    params: dict[str, str] = {}
    index, length = 0, len(rest)
    while index < length:
        end = index
        in_quotes = False
        while end < length:  # find the next `;` outside quotes
            char = rest[end]
            if char == "\\" and in_quotes:
                end += 2
                continue
            if char == '"':
                in_quotes = not in_quotes
            elif char == ";" and not in_quotes:
                break
            end += 1
        key, sep, raw = rest[index:end].partition("=")
        index = end + 1
        key = key.strip().lower()
        if not sep or not key:
            continue
        raw = raw.strip()
        if len(raw) >= 2 and raw[0] == raw[-1] == '"':
            raw = raw[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        params.setdefault(key, raw)
    return main.strip().lower(), params
