"""decode_json: the one rule for a client's JSON, and InvalidJSON, what it raises."""

from __future__ import annotations

import json
import pickle

import pytest

from asgi_protocol import InvalidJSON, decode_json


@pytest.mark.parametrize("data", ['{"a": [1, 2.5, "é"]}', b'{"a": [1, 2.5, "\xc3\xa9"]}'])
def test_json_text_and_utf8_bytes_decode(data: str | bytes) -> None:
    assert decode_json(data) == {"a": [1, 2.5, "é"]}
    assert decode_json(bytearray(b"[true, null]")) == [True, None]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("[" * 100_000 + "]" * 100_000, "Nested too deeply"),
        ('{"a":' * 100_000 + "1" + "}" * 100_000, "Nested too deeply"),
        ("1" * 5_000, "Number too long"),
        ("[-" + "9" * 5_000 + "]", "Number too long"),
        ("NaN", "NaN is not valid JSON"),
        ("[1, -Infinity]", "-Infinity is not valid JSON"),
        (b'"\xff"', "Not UTF-8"),
        ('{"a": 1}'.encode("utf-16"), "Not UTF-8"),  # RFC 8259: UTF-8 only
        ('"\udcff"', "Not UTF-8"),  # a lone surrogate: what is left of bytes that were not UTF-8
    ],
)
def test_what_json_loads_lets_through_is_invalid_json(data: str | bytes, reason: str) -> None:
    with pytest.raises(InvalidJSON) as info:
        decode_json(data)
    assert info.value.reason == reason
    assert str(info.value) == reason  # no made-up position
    assert info.value.__cause__ is None


def test_a_syntax_error_keeps_its_position() -> None:
    with pytest.raises(InvalidJSON) as info:
        decode_json('{"a": 1,\n "b": }')
    error = info.value
    assert error.reason == "Expecting value"
    assert (error.lineno, error.colno, error.pos) == (2, 7, 15)
    assert str(error) == "Expecting value: line 2 column 7 (char 15)"


def test_invalid_json_is_what_code_for_json_loads_catches() -> None:
    error = InvalidJSON("Nested too deeply")
    assert isinstance(error, json.JSONDecodeError)
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(InvalidJSON("Expecting value", "[", 1)))
    assert (type(copy), copy.reason, copy.pos) == (InvalidJSON, "Expecting value", 1)
