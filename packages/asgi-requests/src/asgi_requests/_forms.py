"""Content-Type parameters and urlencoded forms (no dependency needed for either)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from asgi_protocol.datastructures import FormData
from asgi_requests.exceptions import FormError


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


def parse_urlencoded(body: bytes, *, max_fields: int, max_part_size: int) -> FormData:
    try:
        # Percent-escapes and raw bytes both become latin-1 first, then the whole is read as UTF-8.
        text = body.decode("latin-1")
        items = parse_qsl(
            text, keep_blank_values=True, max_num_fields=max_fields, encoding="latin-1"
        )
    except ValueError:
        raise FormError(f"Too many fields. Maximum number of fields is {max_fields}.") from None
    decoded: list[tuple[str, str | object]] = []
    for key, value in items:
        key_text = key.encode("latin-1").decode("utf-8", errors="replace")
        value_text = value.encode("latin-1").decode("utf-8", errors="replace")
        if len(value_text) > max_part_size:
            raise FormError(f"Field {key_text!r} exceeds the limit of {max_part_size} bytes.")
        decoded.append((key_text, value_text))
    return FormData(decoded)
