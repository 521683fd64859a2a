from typing import Any

import pytest
from mw_apps import echo_scope, lifespan_app, run

from asgi_middleware import ProxyHeadersMiddleware
from asgi_testclient import TestClient


def answer(
    trusted: Any, headers: dict[str, str], client: tuple[str, int] | None = ("127.0.0.1", 1)
) -> str:
    scope: dict[str, Any] = {
        "type": "http",
        "client": client,
        "headers": [(b"host", b"inner")]
        + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }
    sent = run(ProxyHeadersMiddleware(echo_scope, trusted_hosts=trusted), scope)
    return sent[1]["body"].decode()  # type: ignore[no-any-return]


def test_x_forwarded_from_trusted_peer() -> None:
    headers = {
        "X-Forwarded-Proto": "HTTPS",
        "X-Forwarded-For": "1.2.3.4, 127.0.0.1",
        "X-Forwarded-Host": "a.com",
    }
    assert answer(["127.0.0.1"], headers) == "https 1.2.3.4 a.com"


def test_untrusted_peer_ignored() -> None:
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "1.2.3.4"}
    assert answer(["127.0.0.1"], headers, ("10.0.0.9", 1)) == "http 10.0.0.9 inner"


def test_no_client_ignored() -> None:
    assert answer("*", {"X-Forwarded-Proto": "https"}, None) == "http None inner"


def test_cidr_and_string_config() -> None:
    headers = {"X-Forwarded-For": "9.9.9.9, 10.1.2.3", "X-Forwarded-Proto": "https"}
    assert answer("127.0.0.1, 10.0.0.0/8", headers, ("10.0.0.1", 1)) == "https 9.9.9.9 inner"


def test_all_trusted_chain_gives_leftmost() -> None:
    assert answer("*", {"X-Forwarded-For": "5.5.5.5, 6.6.6.6"}) == "http 5.5.5.5 inner"
    assert answer("*", {"X-Forwarded-For": "::1"}) == "http ::1 inner"
    assert (
        answer(["127.0.0.1", "6.6.6.6"], {"X-Forwarded-For": "5.5.5.5, 6.6.6.6"})
        == "http 5.5.5.5 inner"
    )
    assert answer(["127.0.0.1"], {"X-Forwarded-For": "127.0.0.1"}) == "http 127.0.0.1 inner"


@pytest.mark.parametrize(
    "headers",
    [
        {
            "X-Forwarded-Proto": "gopher",
            "X-Forwarded-For": "not-an-ip",
            "X-Forwarded-Host": "bad host/x",
        },
        {"X-Forwarded-Proto": "", "X-Forwarded-For": ",,", "X-Forwarded-Host": ""},
        {"Forwarded": 'for=_hidden;proto=junk;host="a b"'},
        {"Forwarded": "garbage"},
    ],
)
def test_junk_ignored(headers: dict[str, str]) -> None:
    assert answer("*", headers) == "http 127.0.0.1 inner"


def test_rfc7239_forwarded() -> None:
    headers = {"Forwarded": 'for="[2001:db8::1]:4711";proto=https;host=b.com:8443, for=10.0.0.1'}
    assert answer("*", headers) == "https 2001:db8::1 b.com:8443"
    assert answer("*", {"Forwarded": "For=1.2.3.4:80;Proto=http"}) == "http 1.2.3.4 inner"


def test_untrusted_peer_that_is_not_an_ip() -> None:
    assert (
        answer(["127.0.0.1"], {"X-Forwarded-Proto": "https"}, ("unix-socket", 0))
        == "http unix-socket inner"
    )


def test_websocket_scheme() -> None:
    seen: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["scheme"])

    for proto in ("https", "http", "wss"):
        scope = {
            "type": "websocket",
            "scheme": "ws",
            "client": ("127.0.0.1", 1),
            "headers": [(b"x-forwarded-proto", proto.encode())],
        }
        run(ProxyHeadersMiddleware(app), scope)
    assert seen == ["wss", "ws", "wss"]


def test_lifespan_passes_through() -> None:
    with TestClient(ProxyHeadersMiddleware(lifespan_app)):
        pass


def test_with_testclient() -> None:
    client = TestClient(ProxyHeadersMiddleware(echo_scope, trusted_hosts="*"))
    assert client.get("/", headers={"X-Forwarded-Proto": "https"}).text.startswith(
        "https testclient"
    )
