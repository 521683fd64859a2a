import pytest
from mw_apps import lifespan_app, run, text_app

from asgi_middleware import HTTPSRedirectMiddleware
from asgi_testclient import TestClient, WebSocketDenialResponse


@pytest.mark.parametrize(
    ("base", "target"),
    [
        ("http://testserver", "https://testserver/a/b?x=1&y=2"),
        ("http://testserver:80", "https://testserver/a/b?x=1&y=2"),
        ("http://testserver:443", "https://testserver/a/b?x=1&y=2"),
        ("http://testserver:8080", "https://testserver:8080/a/b?x=1&y=2"),
    ],
)
def test_redirects_keeping_path_and_query(base: str, target: str) -> None:
    client = TestClient(HTTPSRedirectMiddleware(text_app()), base_url=base, follow_redirects=False)
    response = client.get("/a/b?x=1&y=2")
    assert response.status_code == 307
    assert response.headers["location"] == target


def test_https_passes_and_308() -> None:
    client = TestClient(
        HTTPSRedirectMiddleware(text_app(), status_code=308), base_url="https://testserver"
    )
    assert client.get("/").text == "hello"
    plain = TestClient(HTTPSRedirectMiddleware(text_app(), status_code=308), follow_redirects=False)
    assert plain.get("/").status_code == 308


def test_bad_status() -> None:
    with pytest.raises(ValueError, match="redirect status"):
        HTTPSRedirectMiddleware(text_app(), status_code=200)


def test_websocket_denied_with_a_redirect() -> None:
    client = TestClient(HTTPSRedirectMiddleware(text_app()))
    with pytest.raises(WebSocketDenialResponse) as info, client.websocket_connect("/ws?a=1"):
        pass  # pragma: no cover
    assert info.value.response.status_code == 307
    assert info.value.response.headers["location"] == "wss://testserver/ws?a=1"


def test_websocket_closed_without_denial_extension() -> None:
    scope = {"type": "websocket", "scheme": "ws", "path": "/ws", "headers": [(b"host", b"h")]}
    sent = run(HTTPSRedirectMiddleware(text_app()), scope, [{"type": "websocket.connect"}])
    assert sent == [{"type": "websocket.close", "code": 1008, "reason": "Use wss://"}]


def test_lifespan_passes_through() -> None:
    with TestClient(HTTPSRedirectMiddleware(lifespan_app)):
        pass


@pytest.mark.parametrize(
    ("host", "server", "location"),
    [
        ("testserver:000080", ("testserver", 80), "https://testserver/"),
        ("testserver:0123", ("testserver", 80), "https://testserver:123/"),
        ("testserver:65536", ("testserver", 80), "https://testserver/"),  # junk port: server's
        ("[:::]", ("testserver", 8000), "https://testserver:8000/"),
        ("[:::]", ("::1", 80), "https://[::1]/"),
    ],
)
def test_a_bad_host_header_falls_back_to_the_server(
    host: str, server: tuple[str, int], location: str
) -> None:
    scope = {"type": "http", "headers": [(b"host", host.encode())], "server": server}
    sent = run(HTTPSRedirectMiddleware(text_app()), scope)
    assert (sent[0]["status"], dict(sent[0]["headers"])[b"location"]) == (307, location.encode())


def test_nowhere_to_redirect_to() -> None:
    scope = {"type": "http", "headers": [(b"host", b"testserver:65536")]}
    sent = run(HTTPSRedirectMiddleware(text_app()), scope)
    assert (sent[0]["status"], sent[1]["body"]) == (400, b"Invalid host header")
    ws = {"type": "websocket", "scheme": "ws", "path": "/", "headers": []}
    sent = run(HTTPSRedirectMiddleware(text_app()), ws, [{"type": "websocket.connect"}])
    assert sent == [{"type": "websocket.close", "code": 1008, "reason": "Invalid host"}]


@pytest.mark.parametrize("server", [("/tmp/app.sock", None), ["unix:/tmp/app.sock", None]])
@pytest.mark.parametrize("host", [[], [(b"host", b"a@b")], [(b"host", b"h:" + b"1" * 5000)]])
def test_a_unix_socket_is_nowhere_to_redirect_to(server: object, host: object) -> None:
    scope = {"type": "http", "headers": host, "server": server}
    sent = run(HTTPSRedirectMiddleware(text_app()), scope)
    assert (sent[0]["status"], sent[1]["body"]) == (400, b"Invalid host header")
