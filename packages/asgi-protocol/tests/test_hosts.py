"""Host header values and server addresses: the authority a request names, None for junk."""

from typing import Any

import pytest

from asgi_protocol.hosts import Authority, parse_authority, parse_host_header, request_authority


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
    ["", "example.org:evil", "example.org:", "a@b", "x/y", "a b", "[:::]", "[::1", "[zz]", "::1",
     "[V1.foo]"],
)  # fmt: skip
def test_malformed_values(value: str) -> None:
    assert parse_host_header(value) is None
    assert parse_authority(value) is None


def test_no_value_is_no_host() -> None:
    assert parse_host_header(None) is None
    assert parse_authority(None) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("example.org", Authority("example.org", None, "example.org")),
        ("Example.org:000080", Authority("Example.org", 80, "Example.org:000080")),
        ("[::1]:0", Authority("[::1]", 0, "[::1]:0")),
        ("example.org:65535", Authority("example.org", 65535, "example.org:65535")),
    ],
)
def test_authorities_keep_the_value_as_sent(value: str, expected: Authority) -> None:
    assert parse_authority(value) == expected


@pytest.mark.parametrize("port", ["65536", "0000065536", "100000", "1" * 5000])
def test_an_authority_needs_a_real_port(port: str) -> None:
    assert parse_host_header(f"example.org:{port}") == ("example.org", port)  # matching: fine
    assert parse_authority(f"example.org:{port}") is None  # int() alone raises over 4300 digits


def scope(host: bytes | None, server: Any, scheme: str = "http") -> dict[str, Any]:
    headers = [(b"accept", b"*/*")] + ([] if host is None else [(b"host", host)])
    return {"type": "http", "scheme": scheme, "headers": headers, "server": server}


def test_the_host_header_comes_first() -> None:
    found = request_authority(scope(b"example.org:8000", ("10.0.0.1", 80)))
    assert found == Authority("example.org", 8000, "example.org:8000")


@pytest.mark.parametrize("host", [None, b"a@b", b"example.org:65536"])
@pytest.mark.parametrize(
    ("server", "scheme", "expected"),
    [
        (("10.0.0.1", 8000), "http", Authority("10.0.0.1", 8000, "10.0.0.1:8000")),
        (("10.0.0.1", 80), "http", Authority("10.0.0.1", 80, "10.0.0.1")),
        (("10.0.0.1", 443), "wss", Authority("10.0.0.1", 443, "10.0.0.1")),
        (("10.0.0.1", 443), "http", Authority("10.0.0.1", 443, "10.0.0.1:443")),
        (["::1", 8000], "http", Authority("[::1]", 8000, "[::1]:8000")),
        (("[::1]", 80), "ws", Authority("[::1]", 80, "[::1]")),
        (("localhost", None), "http", Authority("localhost", None, "localhost")),
    ],
)
def test_else_the_server_address(
    host: bytes | None, server: Any, scheme: str, expected: Authority
) -> None:
    assert request_authority(scope(host, server, scheme)) == expected


@pytest.mark.parametrize("host", [None, b"a@b", b"", b"[:::]"])
@pytest.mark.parametrize(
    "server", [None, ("/tmp/app.sock", None), ["unix:/tmp/app.sock", None], ("h:80", 80)]
)
def test_else_no_host_at_all(host: bytes | None, server: Any) -> None:
    assert request_authority(scope(host, server)) is None
    assert request_authority({"type": "http", "server": server}) is None  # no headers either
