"""Host header values: the host and port of a plain authority, None for anything else."""

import pytest

from asgi_protocol.hosts import parse_host_header


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("example.org", ("example.org", None)),
        ("Example.ORG:8000", ("Example.ORG", "8000")),
        ("api.example.org:000080", ("api.example.org", "000080")),
        ("api.example.org:65536", ("api.example.org", "65536")),
        ("127.0.0.1:80", ("127.0.0.1", "80")),
        ("[::1]", ("[::1]", None)),
        ("[::1]:8000", ("[::1]", "8000")),
        ("[v1.fe80::a+en1]", ("[v1.fe80::a+en1]", None)),
    ],
)
def test_plain_authorities(value: str, expected: tuple[str, str | None]) -> None:
    assert parse_host_header(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", "example.org:evil", "example.org:", "a@b", "x/y", "a b", "[:::]", "[::1", "[zz]", "::1"],
)
def test_malformed_values(value: str) -> None:
    assert parse_host_header(value) is None
