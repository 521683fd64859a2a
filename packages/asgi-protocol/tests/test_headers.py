import pytest

from asgi_protocol.datastructures import (
    Headers,
    MutableHeaders,
    check_header_bytes,
    encode_header_value,
)


def test_case_insensitive_and_multi_valued() -> None:
    headers = Headers(raw=[(b"set-cookie", b"a=1"), (b"set-cookie", b"b=2"), (b"x", b"y")])
    assert headers["Set-Cookie"] == "a=1"
    assert headers.getlist("SET-COOKIE") == ["a=1", "b=2"]
    assert "X" in headers
    assert 1 not in headers
    assert "missing" not in headers
    assert headers.keys() == ["set-cookie", "set-cookie", "x"]
    assert headers.values() == ["a=1", "b=2", "y"]
    assert list(headers) == ["set-cookie", "set-cookie", "x"]
    assert len(headers) == 3
    with pytest.raises(KeyError):
        headers["missing"]


def test_built_from_a_mapping_lowercases_names() -> None:
    headers = Headers({"Content-Type": "text/plain"})
    assert headers.raw == [(b"content-type", b"text/plain")]
    assert Headers().raw == []


def test_built_from_a_scope_shares_the_list() -> None:
    scope = {"headers": [(b"a", b"1")]}
    headers = MutableHeaders(scope=scope)
    headers["b"] = "2"
    assert scope["headers"] == [(b"a", b"1"), (b"b", b"2")]


def test_only_one_source_is_accepted() -> None:
    with pytest.raises(ValueError, match="only one"):
        Headers({"a": "b"}, raw=[])


def test_equality_ignores_order_and_repr() -> None:
    a = Headers(raw=[(b"a", b"1"), (b"b", b"2")])
    b = Headers(raw=[(b"b", b"2"), (b"a", b"1")])
    assert a == b
    assert a != {"a": "1", "b": "2"}
    assert repr(a) == "Headers({'a': '1', 'b': '2'})"
    assert repr(Headers(raw=[(b"a", b"1"), (b"a", b"2")])) == (
        "Headers(raw=[(b'a', b'1'), (b'a', b'2')])"
    )


def test_mutable_set_replaces_every_value() -> None:
    headers = MutableHeaders(raw=[(b"a", b"1"), (b"b", b"x"), (b"a", b"2")])
    headers["A"] = "3"
    assert headers.raw == [(b"a", b"3"), (b"b", b"x")]


def test_mutable_append_setdefault_delete_update() -> None:
    headers = MutableHeaders()
    headers.append("Vary", "Origin")
    headers.append("vary", "Cookie")
    assert headers.getlist("vary") == ["Origin", "Cookie"]
    assert headers.setdefault("vary", "x") == "Origin"
    assert headers.setdefault("new", "v") == "v"
    del headers["VARY"]
    assert "vary" not in headers
    headers.update({"a": "1"}, b="2")
    headers.update([("c", "3")])
    assert headers["a"] == "1"
    assert headers["b"] == "2"
    assert headers["c"] == "3"


def test_or_operators() -> None:
    headers = MutableHeaders({"a": "1"})
    merged = headers | {"b": "2"}
    assert merged == MutableHeaders({"a": "1", "b": "2"})
    assert "b" not in headers
    headers |= {"c": "3"}
    assert headers["c"] == "3"


def test_or_operators_refuse_what_is_not_a_mapping() -> None:
    headers = MutableHeaders({"a": "1"})
    with pytest.raises(TypeError):
        headers |= {"not_mapping"}  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        headers | [("b", "2")]  # type: ignore[operator]
    assert headers.items() == [("a", "1")]


def test_mutablecopy_is_independent() -> None:
    original = Headers({"a": "1"})
    copy = original.mutablecopy()
    copy["a"] = "2"
    assert original["a"] == "1"


def test_add_vary_header_merges_without_duplicates() -> None:
    headers = MutableHeaders()
    headers.add_vary_header("Origin")
    headers.add_vary_header("Accept-Encoding")
    headers.add_vary_header("origin")
    assert headers["vary"] == "Origin, Accept-Encoding"


@pytest.mark.parametrize("value", ["a\r\nSet-Cookie: x=1", "a\nb", "a\rb", "a\x00b"])
def test_crlf_and_nul_injection_is_refused(value: str) -> None:
    headers = MutableHeaders()
    with pytest.raises(ValueError, match="CR, LF or NUL"):
        headers["x"] = value
    with pytest.raises(ValueError, match="CR, LF or NUL"):
        headers.append(value, "ok")
    assert headers.raw == []


def test_non_latin1_values_are_refused_with_a_clear_error() -> None:
    with pytest.raises(ValueError, match="not latin-1"):
        MutableHeaders()["x"] = "snowman ☃"
    with pytest.raises(ValueError, match="not latin-1"):
        Headers({"x": "☃"})
    assert encode_header_value("é") == b"\xe9"


def test_lookup_of_non_ascii_and_non_latin1_names() -> None:
    headers = Headers(raw=[(b"\xc0", b"v")])
    assert headers.getlist("\xc0") == ["v"]
    assert "☃" not in headers
    with pytest.raises(KeyError):
        headers["☃"]


def test_add_vary_header_keeps_every_existing_line() -> None:
    headers = MutableHeaders(raw=[(b"vary", b"Accept-Encoding"), (b"x", b"1")])
    headers.append("Vary", "Accept-Language")
    headers.add_vary_header("Origin")
    assert headers.getlist("vary") == ["Accept-Encoding, Accept-Language, Origin"]
    assert headers["x"] == "1"


def test_add_vary_header_already_present_merges_lines_only() -> None:
    one = MutableHeaders(raw=[(b"vary", b"Origin, Cookie")])
    one.add_vary_header("cookie")
    assert one.raw == [(b"vary", b"Origin, Cookie")]
    two = MutableHeaders(raw=[(b"vary", b"Origin"), (b"vary", b"Cookie")])
    two.add_vary_header("Origin")
    assert two.getlist("vary") == ["Origin, Cookie"]


@pytest.mark.parametrize("raw", [b"a\r\nb", b"a\nb", b"a\x00"])
def test_raw_header_bytes_with_cr_lf_or_nul_are_refused(raw: bytes) -> None:
    with pytest.raises(ValueError, match="Header name .* contains CR, LF or NUL"):
        check_header_bytes(raw, what="name")


def test_clean_raw_header_bytes_pass_unchanged() -> None:
    assert check_header_bytes(b"text/plain; q=0.5") == b"text/plain; q=0.5"
