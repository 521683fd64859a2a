import pytest
from mw_apps import lifespan_app, text_app

from asgi_middleware import TrustedHostMiddleware
from asgi_protocol.exceptions import WebSocketDisconnect
from asgi_protocol.types import Receive, Scope, Send
from asgi_testclient import TestClient


async def ws_app(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": 1000})


def client(base_url: str = "http://example.com", **kwargs: object) -> TestClient:
    app = TrustedHostMiddleware(text_app(), **kwargs)  # type: ignore[arg-type]
    return TestClient(app, base_url=base_url, follow_redirects=False)


@pytest.mark.parametrize("host", ["example.com", "EXAMPLE.com:8000", "api.example.org", "[::1]:80"])
def test_allowed_hosts(host: str) -> None:
    c = client(allowed_hosts=["example.com", "*.example.org", "[::1]"])
    assert c.get("/", headers={"Host": host}).text == "hello"


@pytest.mark.parametrize(
    "host",
    [
        "evil.com",
        "example.org",
        "bad host",
        "example.com:80:80",
        "ex@mple.com",
        "",
        "example.com:abc",
        "example.com:",
        "[::1]junk",
    ],
)
def test_rejected_hosts(host: str) -> None:
    c = client(allowed_hosts=["example.com", "*.example.org"])
    response = c.get("/", headers={"Host": host})
    assert (response.status_code, response.text) == (400, "Invalid host header")


def test_missing_host() -> None:
    import asyncio

    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request"}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    app = TrustedHostMiddleware(text_app(), allowed_hosts=["example.com"])
    scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""}
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    assert sent[0]["status"] == 400


def test_allow_any_by_default() -> None:
    assert client().get("/", headers={"Host": "anything"}).text == "hello"


def test_www_redirect() -> None:
    c = client("http://example.com:8000", allowed_hosts=["www.example.com"])
    response = c.get("/path?q=1")
    assert response.status_code == 307
    assert response.headers["location"] == "http://www.example.com:8000/path?q=1"


@pytest.mark.parametrize("port", ["65536", "1" * 5000])
def test_www_redirect_needs_a_real_port(port: str) -> None:
    c = client(allowed_hosts=["www.example.com", "example.org"])
    response = c.get("/", headers={"Host": f"example.com:{port}"})
    assert (response.status_code, response.text) == (400, "Invalid host header")
    assert c.get("/", headers={"Host": f"example.org:{port}"}).text == "hello"  # ports ignored


def test_www_redirect_disabled() -> None:
    response = client(allowed_hosts=["www.example.com"], www_redirect=False).get("/")
    assert response.status_code == 400


def test_bad_pattern() -> None:
    with pytest.raises(ValueError, match="like '\\*.example.com'"):
        TrustedHostMiddleware(text_app(), allowed_hosts=["example.*"])


def test_websocket_denied_and_allowed() -> None:
    app = TrustedHostMiddleware(ws_app, allowed_hosts=["example.com"])
    denied = TestClient(app, base_url="http://evil.com")
    with pytest.raises(WebSocketDisconnect) as info, denied.websocket_connect("/"):
        pass  # pragma: no cover
    assert info.value.code == 1008
    with TestClient(app, base_url="http://example.com").websocket_connect("/") as ws:
        assert ws.receive()["type"] == "websocket.close"


def test_lifespan_passes_through() -> None:
    with TestClient(TrustedHostMiddleware(lifespan_app, allowed_hosts=["example.com"])):
        pass


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("[::1]", 200),
        ("[v1.foo]", 200),
        ("api_service", 200),
        ("api_service:000080", 200),
        ("api_service:65536", 200),  # the port isn't what is trusted
        ("[:::]", 400),  # not an IPv6 address
        ("[::ffff:999.999.999.999]", 400),
        ("[::1]@attacker", 400),
        ("api_service/evil", 400),
        ("api_service#evil", 400),
    ],
)
def test_host_grammar(host: str, status: int) -> None:
    c = client(allowed_hosts=["[::1]", "[v1.foo]", "api_service"])
    assert c.get("/", headers={"Host": host}).status_code == status


def test_allowed_hosts_default_and_listing() -> None:
    assert TrustedHostMiddleware(text_app()).allowed_hosts == ["*"]
    assert TrustedHostMiddleware(text_app(), ["Example.COM"]).allowed_hosts == ["example.com"]
    with pytest.raises(ValueError, match=r"\*\.example\.com"):
        TrustedHostMiddleware(text_app(), ["*example.com"])
    with pytest.raises(TypeError, match="not a str"):
        TrustedHostMiddleware(text_app(), "example.com")
