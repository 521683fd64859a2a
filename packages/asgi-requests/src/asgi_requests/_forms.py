"""Content-Type parameters: the media type and its options, as form parsing needs them."""

from __future__ import annotations

import re

# One parameter and its `;`: up to the next `;` outside quotes. Inside quotes a backslash
# escapes the next character, and a quote never closed runs to the end. Every alternative
# starts on a character of its own and the quantifiers are possessive, so the match never
# backtracks and always succeeds where the last one ended: a header is read once, at C speed
# (each part of a multipart body has one, of up to 8 KB). Junk before it (`;;`, `; x;`: no
# `=`, no quote) is passed over in the same match, as a run, however long.
_PARAMETER = re.compile(r'(?:[^;"=]*+;)*+((?:[^;"]++|"(?:[^"\\]++|\\.?)*+"?)*+)(?:;|\Z)', re.DOTALL)


def parse_options_header(value: str) -> tuple[str, dict[str, str]]:
    """`multipart/form-data; boundary="x"` -> ("multipart/form-data", {"boundary": "x"}).

    Quoted strings may hold `;` and backslash escapes. Junk parameters (no `=`) are skipped
    rather than rejected: a header with junk in it still has a usable main value.
    """
    main, _, rest = value.partition(";")
    params: dict[str, str] = {}
    for parameter in _PARAMETER.finditer(rest):
        key, sep, raw = parameter[1].partition("=")
        key = key.strip().lower()
        if not sep or not key:
            continue
        raw = raw.strip()
        if len(raw) >= 2 and raw[0] == raw[-1] == '"':
            raw = raw[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        params.setdefault(key, raw)
    return main.strip().lower(), params
