from typing import Any

import pytest

from asgi_protocol.datastructures import URL, URLPath


def scope(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "type": "http",
        "scheme": "http",
        "server": ("10.0.0.1", 8000),
        "root_path": "",
        "path": "/items",
        "query_string": b"a=1",
        "headers": [(b"host", b"example.com")],
    }
    base.update(overrides)
    return base


def test_replace_hostname_brackets_an_ipv6_address() -> None:
    url = URL("https://[fe::2]:12345/p")
    assert url.replace(hostname=url.hostname) == url
    assert url.replace(hostname="::1") == "https://[::1]:12345/p"
    assert url.replace(hostname="[::1]") == "https://[::1]:12345/p"
    assert url.replace(hostname="a:b") == "https://a:b:12345/p"  # not an address: as given


def test_replace_authority_parts_of_a_url_without_one() -> None:
    url = URL("/path?a=1")
    assert url.replace(port=8080) == "//:8080/path?a=1"
    assert url.replace(port=8080).port == 8080
    assert url.replace(username="u") == "//u@/path?a=1"


def test_components_of_a_parsed_url() -> None:
    url = URL("https://user:pw@example.com:8443/p/a?x=1&y=2#frag")
    assert (url.scheme, url.netloc, url.path, url.query, url.fragment) == (
        "https",
        "user:pw@example.com:8443",
        "/p/a",
        "x=1&y=2",
        "frag",
    )
    assert (url.username, url.password, url.hostname, url.port) == (
        "user",
        "pw",
        "example.com",
        8443,
    )
    assert url.is_secure
    assert not URL("ws://h/").is_secure


def test_equality_with_strings_and_hash() -> None:
    assert URL("http://a/b") == "http://a/b"
    assert URL("http://a/b") != URL("http://a/c")
    assert len({URL("http://a/b"), URL("http://a/b")}) == 1


def test_repr_masks_the_password() -> None:
    assert repr(URL("http://u:secret@h/")) == "URL('http://u:********@h/')"
    assert repr(URL("http://h/")) == "URL('http://h/')"


def test_from_scope_uses_the_host_header() -> None:
    assert str(URL(scope=scope())) == "http://example.com/items?a=1"
    headers = [(b"accept", b"*/*"), (b"host", b"example.org:81")]
    assert str(URL(scope=scope(headers=headers))) == "http://example.org:81/items?a=1"


def test_from_scope_without_host_uses_server_and_drops_default_port() -> None:
    assert str(URL(scope=scope(headers=[]))) == "http://10.0.0.1:8000/items?a=1"
    assert str(URL(scope=scope(headers=[], server=("h", 80)))) == "http://h/items?a=1"
    assert (
        str(URL(scope=scope(headers=[], scheme="https", server=("h", 443))))
        == "https://h/items?a=1"
    )
    assert str(URL(scope=scope(headers=[], server=("::1", 8000)))) == "http://[::1]:8000/items?a=1"


def test_from_scope_without_server_or_host_is_a_path() -> None:
    url = URL(scope=scope(headers=[], server=None, query_string=b""))
    assert str(url) == "/items"
    assert url.hostname is None


@pytest.mark.parametrize("host", [b"evil.com/x?", b"a@b", b"host with spaces", b"h#frag", b""])
def test_malformed_host_header_never_moves_path_or_hostname(host: bytes) -> None:
    url = URL(scope=scope(headers=[(b"host", host)], path="/real"))
    assert url.path == "/real"
    assert url.hostname == "10.0.0.1"


def test_path_not_starting_with_slash_cannot_join_the_host() -> None:
    url = URL(scope=scope(path="evil.com/x"))
    assert url.hostname == "example.com"
    assert url.path == "/evil.com/x"


def test_delimiters_in_the_path_stay_in_the_path() -> None:
    url = URL(scope=scope(path="/a?b#c\\d"))
    assert str(url) == "http://example.com/a%3Fb%23c%5Cd?a=1"
    assert url.path == "/a%3Fb%23c%5Cd"
    assert url.query == "a=1"
    assert url.fragment == ""


def test_components_of_a_scope_url_are_those_of_its_string() -> None:
    for path in ("/a?b#c", "//evil.com/x", "/\\evil.com"):
        for headers in ([], [(b"host", b"example.com")]):
            url = URL(scope=scope(path=path, headers=headers, server=None))
            assert url.components == URL(str(url)).components


def test_hash_in_the_query_string_stays_in_the_query() -> None:
    url = URL(scope=scope(query_string=b"a=1#b"))
    assert url.query == "a=1%23b"
    assert url.fragment == ""
    assert URL(str(url)).query == "a=1%23b"


def test_replacing_the_query_keeps_an_encoded_question_mark_in_the_path() -> None:
    url = URL(scope=scope(path="/a?b"))
    assert str(url.replace(query="x=1")) == "http://example.com/a%3Fb?x=1"
    assert str(url.include_query_params(x=1)) == "http://example.com/a%3Fb?a=1&x=1"
    assert str(url.replace_query_params(x=1)) == "http://example.com/a%3Fb?x=1"
    assert str(url.remove_query_params("a")) == "http://example.com/a%3Fb"
    assert url.replace(query="x=1").path == "/a%3Fb"


def test_replaced_path_and_query_cannot_spill_into_the_next_component() -> None:
    url = URL("http://example.com/p?q=1")
    assert str(url.replace(path="/a?b#c")) == "http://example.com/a%3Fb%23c?q=1"
    assert str(url.replace(query="x=1#y")) == "http://example.com/p?x=1%23y"
    assert str(URL("/p").replace(path="//evil.com/x")) == "/%2Fevil.com/x"
    assert URL("/p").replace(path="//evil.com/x").netloc == ""
    assert str(URL(path="//evil.com/x", query="a=1")) == "/%2Fevil.com/x?a=1"


def test_double_slash_path_without_host_is_not_an_authority() -> None:
    url = URL(scope=scope(path="//example.org/a", headers=[], server=None, query_string=b""))
    assert str(url) == "/%2Fexample.org/a"
    assert url.netloc == ""
    with_host = URL(scope=scope(path="//example.org/a", query_string=b""))
    assert with_host.hostname == "example.com"
    assert with_host.path == "//example.org/a"


@pytest.mark.parametrize(
    "host",
    [b"foo:65536", b"foo:100000", b"foo:0000065536", b"[:::]", b"[::ffff:999.999.999.999]",
     b"[V1.foo]", b"[v1.]", b"[]"],
)  # fmt: skip
def test_host_header_with_a_bad_port_or_literal_is_ignored(host: bytes) -> None:
    url = URL(scope=scope(headers=[(b"host", host)]))
    assert url.netloc == "10.0.0.1:8000"


@pytest.mark.parametrize(
    ("host", "hostname", "port"),
    [
        (b"example.com:000080", "example.com", 80),
        (b"[::1]:8000", "::1", 8000),
        (b"[::ffff:127.0.0.1]", "::ffff:127.0.0.1", None),
        (b"[v1.foo]", "v1.foo", None),
        (b"xn--bcher-kva.example", "xn--bcher-kva.example", None),
        (b"a%20b", "a%20b", None),
    ],
)
def test_valid_host_headers_are_used(host: bytes, hostname: str, port: int | None) -> None:
    url = URL(scope=scope(headers=[(b"host", host)]))
    assert url.netloc == host.decode()
    assert (url.hostname, url.port) == (hostname, port)


def test_bracketed_ipv6_server_is_not_bracketed_twice() -> None:
    url = URL(scope=scope(headers=[], server=("[::1]", 8000)))
    assert url.netloc == "[::1]:8000"


@pytest.mark.parametrize(
    ("root_path", "path", "expected"),
    [
        ("/api", "/api/items", "/api/items"),  # ASGI: path already holds root_path
        ("/api", "/api", "/api"),
        ("/api", "/items", "/api/items"),  # a server that stripped the prefix
        ("/api", "/apiary", "/api/apiary"),  # not a prefix: /api is no segment of /apiary
        ("", "/items", "/items"),
    ],
)
def test_root_path_appears_once_in_the_url(root_path: str, path: str, expected: str) -> None:
    assert URL(scope=scope(root_path=root_path, path=path)).path == expected


def test_replace_components() -> None:
    url = URL("http://u:p@example.com:8000/a?b=1")
    assert url.replace(scheme="https") == "https://u:p@example.com:8000/a?b=1"
    assert url.replace(hostname="other") == "http://u:p@other:8000/a?b=1"
    assert url.replace(port=None) == "http://u:p@example.com/a?b=1"
    assert url.replace(username="x", password=None) == "http://x@example.com:8000/a?b=1"
    assert URL("http://[::1]:80/").replace(port=81) == "http://[::1]:81/"
    assert URL("http://h/").replace(username="me") == "http://me@h/"
    assert URL("http://[::1]/").replace(port=8000) == "http://[::1]:8000/"


def test_query_param_edits() -> None:
    url = URL("http://h/p?a=1&b=2&a=3")
    assert url.include_query_params(a=9, c="x") == "http://h/p?b=2&a=9&c=x"
    assert url.replace_query_params(z=1) == "http://h/p?z=1"
    assert url.remove_query_params("a") == "http://h/p?b=2"
    assert url.remove_query_params(["a", "b"]) == "http://h/p"


def test_build_from_components() -> None:
    assert URL(scheme="https", netloc="h", path="/x") == "https://h/x"


def test_conflicting_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="either"):
        URL("http://h/", scope=scope())
    with pytest.raises(ValueError, match="either"):
        URL("http://h/", path="/x")


def test_urlpath_make_absolute_url() -> None:
    assert URLPath("/ws", "websocket").make_absolute_url("https://h/root/") == "wss://h/root/ws"
    assert URLPath("/x", "http").make_absolute_url(URL("ws://h")) == "http://h/x"

    class ForeignURL:  # another framework's URL type: only its str() is used
        def __str__(self) -> str:
            return "https://h/base/"

        __hash__ = None  # type: ignore[assignment]

    foreign: Any = ForeignURL()
    assert URLPath("/x").make_absolute_url(foreign) == "https://h/base/x"
    assert URLPath("/x", "http", host="other").make_absolute_url("https://h") == "https://other/x"
    assert URLPath("/x").make_absolute_url("http://h/base") == "http://h/base/x"
    path = URLPath("/x", "http", "h")
    assert (path, path.protocol, path.host) == ("/x", "http", "h")


def test_urlpath_refuses_unknown_protocols() -> None:
    with pytest.raises(ValueError, match="protocol"):
        URLPath("/x", "ftp")


def test_url_path_cannot_be_read_as_another_host() -> None:
    assert URLPath("//example.org/a") == "/%2Fexample.org/a"
    assert URLPath("/\\example.org/a") == "/%5Cexample.org/a"
    assert URLPath("/a//b") == "/a//b"
    absolute = URLPath("//example.org/a").make_absolute_url("http://h")
    assert (absolute.hostname, absolute.path) == ("h", "/%2Fexample.org/a")
