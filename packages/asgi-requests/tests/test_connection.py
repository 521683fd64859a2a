from typing import Any

import pytest

from asgi_protocol.datastructures import State, URLPath
from asgi_requests import HTTPConnection, Request
from asgi_requests.exceptions import InvalidHost


def make_scope(**overrides: Any) -> dict[str, Any]:
    scope: dict[str, Any] = {
        "type": "http",
        "method": "GET",
        "scheme": "https",
        "server": ("example.com", 443),
        "client": ("1.2.3.4", 5555),
        "root_path": "",
        "path": "/a/b",
        "query_string": b"x=1&x=2&y=",
        "headers": [(b"host", b"example.com"), (b"cookie", b'a=1; b="two"')],
    }
    scope.update(overrides)
    return scope


def test_mapping_over_the_scope() -> None:
    scope = make_scope()
    connection = HTTPConnection(scope)
    assert connection["path"] == "/a/b"
    assert set(connection) == set(scope)
    assert len(connection) == len(scope)
    assert connection == connection
    assert connection != HTTPConnection(scope)
    assert hash(connection) == hash(connection)


def test_refuses_other_scope_types() -> None:
    with pytest.raises(ValueError, match="http or websocket"):
        HTTPConnection({"type": "lifespan"})


def test_url_parts_are_parsed_once_and_cached() -> None:
    connection = HTTPConnection(make_scope())
    assert connection.url == "https://example.com/a/b?x=1&x=2&y="
    assert connection.url is connection.url
    assert connection.base_url == "https://example.com/"
    assert connection.base_url is connection.base_url
    assert connection.query_params.getlist("x") == ["1", "2"]
    assert connection.query_params is connection.query_params
    assert connection.headers["host"] == "example.com"
    assert connection.headers is connection.headers
    assert connection.client == ("1.2.3.4", 5555)
    assert HTTPConnection(make_scope(client=None)).client is None
    assert connection.path_params == {}
    assert HTTPConnection(make_scope(path_params={"id": 1})).path_params == {"id": 1}


def test_base_url_keeps_the_root_path() -> None:
    connection = HTTPConnection(make_scope(root_path="/api/", path="/api/users"))
    assert connection.base_url == "https://example.com/api/"
    mounted = HTTPConnection(
        make_scope(root_path="/api/sub", app_root_path="/api", path="/api/sub/x")
    )
    assert mounted.base_url == "https://example.com/api/"


@pytest.mark.parametrize("host", [b"evil.com/x?", b"a@b", b"with spaces"])
def test_malformed_host_cannot_change_path_or_hostname(host: bytes) -> None:
    connection = HTTPConnection(make_scope(headers=[(b"host", host)], path="/safe"))
    assert connection.url.path == "/safe"
    assert connection.url.hostname == "example.com"


def test_path_without_leading_slash_cannot_change_hostname() -> None:
    connection = HTTPConnection(make_scope(path="evil.com/x"))
    assert connection.url.hostname == "example.com"
    assert connection.url.path == "/evil.com/x"


def test_cookies_tolerate_junk_and_last_wins() -> None:
    headers = [(b"cookie", b'a=0; junk; b="two"; ; =; a=1'), (b"cookie", b"c=3; b=late")]
    connection = HTTPConnection(make_scope(headers=headers))
    assert connection.cookies == {"a": "1", "": "junk", "b": "late", "c": "3"}
    assert connection.cookies is connection.cookies


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("  =  b  ;  ;  =  ;   c  =  ;  ", {"": "b", "c": ""}),
        ('keebler="E=mc2; L=\\"Loves\\"; fudge=\\012;"',
         {"keebler": '"E=mc2', "L": '\\"Loves\\"', "fudge": "\\012", "": '"'}),
        ('a=b; "; c=d', {"a": "b", "": '"', "c": "d"}),
        ('q="quoted \\"v\\""', {"q": 'quoted "v"'}),
    ],
)  # fmt: skip
def test_cookies_are_read_as_browsers_write_them(header: str, expected: dict[str, str]) -> None:
    connection = HTTPConnection(make_scope(headers=[(b"cookie", header.encode())]))
    assert connection.cookies == expected


def test_thousands_of_cookies_are_bounded() -> None:
    header = "; ".join(f"k{i}=v" for i in range(5000)).encode()
    connection = HTTPConnection(make_scope(headers=[(b"cookie", header)]))
    assert len(connection.cookies) == 1000


def test_session_auth_and_user_need_their_middleware() -> None:
    connection = HTTPConnection(make_scope())
    with pytest.raises(AssertionError, match="SessionMiddleware must be installed"):
        connection.session  # noqa: B018
    with pytest.raises(AssertionError, match="AuthenticationMiddleware"):
        connection.auth  # noqa: B018
    with pytest.raises(AssertionError, match="AuthenticationMiddleware"):
        connection.user  # noqa: B018
    ready = HTTPConnection(make_scope(session={"k": 1}, auth="token", user="alice"))
    assert (ready.session, ready.auth, ready.user) == ({"k": 1}, "token", "alice")


def test_reading_the_session_marks_it_accessed() -> None:
    class Tracked(dict[str, int]):
        accessed = False

        def mark_accessed(self) -> None:
            self.accessed = True

    session = Tracked(k=1)
    connection = HTTPConnection(make_scope(session=session))
    assert not session.accessed
    assert connection.session is session
    assert session.accessed


def test_state_is_shared_with_the_scope() -> None:
    scope = make_scope(state={"db": "conn"})
    request: Request[State] = Request(scope)
    assert request.state.db == "conn"
    request.state.extra = 1
    assert scope["state"]["extra"] == 1
    assert request.state is request.state
    assert HTTPConnection(make_scope()).state._state == {}


def test_app_and_url_for() -> None:
    class Router:
        def url_path_for(self, name: str, /, **params: Any) -> URLPath:
            return URLPath(f"/{name}/{params['id']}", "http")

    class App:
        router = Router()

    connection = HTTPConnection(make_scope(router=Router(), app="the app"))
    assert connection.app == "the app"
    assert connection.url_for("users", id=3) == "https://example.com/users/3"
    via_app = HTTPConnection(make_scope(app=App()))
    assert via_app.url_for("users", id=4) == "https://example.com/users/4"
    with pytest.raises(RuntimeError, match="can only be used inside .* or with a router"):
        HTTPConnection(make_scope()).url_for("x")


@pytest.mark.parametrize("server", [None, ("/tmp/app.sock", None)])
def test_url_for_without_a_host_is_an_invalid_host_400(server: Any) -> None:
    class Router:
        def url_path_for(self, name: str, /, **params: Any) -> URLPath:
            host = params.get("host", "")
            return URLPath(f"/{name}", "http", host=host)

    scope = make_scope(router=Router(), headers=[(b"host", b"a@b")], server=server)
    connection = HTTPConnection(scope)
    assert connection.url == "/a/b?x=1&x=2&y="  # a bare path: there is no host to put in it
    with pytest.raises(InvalidHost) as info:
        connection.url_for("users")
    assert (info.value.status_code, info.value.detail) == (400, "Invalid host header")
    # A route of a Host of its own still has somewhere to point.
    url = connection.url_for("users", host="api.example.com")
    assert (url.netloc, url.path) == ("api.example.com", "/users")
