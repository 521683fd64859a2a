"""Property tests: the parsers round-trip, and arbitrary input never raises the unexpected."""

from hypothesis import given
from hypothesis import strategies as st

from asgi_protocol.datastructures import URL, Headers, MutableHeaders, QueryParams

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
pairs = st.lists(st.tuples(text, text), max_size=8)


@given(pairs)
def test_query_params_round_trip(items: list[tuple[str, str]]) -> None:
    params = QueryParams(items)
    assert QueryParams(str(params)).multi_items() == params.multi_items()


@given(st.binary(max_size=200))
def test_any_query_string_parses(raw: bytes) -> None:
    QueryParams(raw)


@given(st.from_regex(r"/[a-z0-9/._~%-]{0,30}", fullmatch=True), st.binary(max_size=40))
def test_url_from_scope_keeps_path_and_host(path: str, host: bytes) -> None:
    scope = {
        "type": "http",
        "scheme": "http",
        "server": ("10.1.2.3", 8080),
        "path": path,
        "query_string": b"",
        "headers": [(b"host", host)],
    }
    url = URL(scope=scope)
    assert url.path == path
    assert url.hostname is not None


@given(st.lists(st.tuples(st.binary(min_size=1, max_size=10), st.binary(max_size=10)), max_size=8))
def test_headers_read_back_what_raw_holds(raw: list[tuple[bytes, bytes]]) -> None:
    lowered = [(k.lower(), v) for k, v in raw]
    headers = Headers(raw=lowered)
    for key, value in lowered:
        assert value.decode("latin-1") in headers.getlist(key.decode("latin-1"))


@given(text, text)
def test_mutable_headers_either_store_safely_or_refuse(name: str, value: str) -> None:
    headers = MutableHeaders()
    try:
        headers[name or "x"] = value
    except ValueError:
        assert headers.raw == []
    else:
        assert not any(c in headers.raw[0][1] for c in b"\r\n\x00")
