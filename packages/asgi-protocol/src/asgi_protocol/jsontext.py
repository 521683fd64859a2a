"""Decoding JSON a client sent: the one rule for bodies, WebSocket messages and GraphQL.

`json.loads` lets a client raise what no caller expects from a parser: RecursionError for
nesting deeper than the stack, a bare ValueError for an integer past Python's digit limit
(`sys.get_int_max_str_digits`). It also takes NaN and Infinity, which RFC 8259 does not have
(JSONResponse refuses to send them: an echo endpoint must not accept what it cannot answer), and
bytes in UTF-16 or UTF-32, where RFC 8259 section 8.1 says UTF-8. Here each of them is one
`InvalidJSON`, with a reason short enough to send back.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from asgi_protocol.exceptions import InvalidJSON


def _refuse_constant(name: str) -> NoReturn:
    raise InvalidJSON(f"{name} is not valid JSON")


# One decoder for the process (hot path: no per-call set-up).
_decode = json.JSONDecoder(parse_constant=_refuse_constant).decode


def decode_json(data: str | bytes | bytearray) -> Any:
    """The value of the JSON text `data` (bytes must be UTF-8); anything else is InvalidJSON."""
    if isinstance(data, str):
        if not data.isascii():
            # A lone surrogate is what is left of bytes that were not UTF-8.
            try:
                data.encode("utf-8")
            except UnicodeEncodeError:
                raise InvalidJSON("Not UTF-8") from None
        text = data
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidJSON("Not UTF-8") from None
    try:
        return _decode(text)
    except InvalidJSON:
        raise
    except json.JSONDecodeError as exc:
        raise InvalidJSON(exc.msg, exc.doc, exc.pos) from None
    except ValueError:  # int() refusing more digits than the interpreter's limit
        raise InvalidJSON("Number too long") from None
    except RecursionError:
        raise InvalidJSON("Nested too deeply") from None


__all__ = ["InvalidJSON", "decode_json"]
