"""Build an ASGI 3 scope from a prepared `requests` request."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import unquote, urlsplit

from requests import PreparedRequest

# Ports a URL without one implies, per scheme.
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
HTTP_SCHEMES = frozenset(("http", "https"))
WEBSOCKET_SCHEMES = frozenset(("ws", "wss"))

ASGI_VERSION = {"version": "3.0", "spec_version": "2.4"}
HTTP_EXTENSIONS: dict[str, dict[str, Any]] = {
    "http.response.trailers": {},
    "http.response.pathsend": {},
    "http.response.debug": {},
}
WEBSOCKET_EXTENSIONS: dict[str, dict[str, Any]] = {"websocket.http.response": {}}


def _header_bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("latin-1")


class RepeatedHeader(str):
    """A header given several times (httpx takes a list of pairs, requests only a mapping):
    requests carries it as the values joined with ", "; the scope gets one entry per value."""

    values: tuple[str, ...]

    def __new__(cls, values: Sequence[str]) -> RepeatedHeader:
        header = super().__new__(cls, ", ".join(values))
        header.values = tuple(values)
        return header


def header_mapping(headers: Any) -> Any:
    """`headers` as requests takes them: a list of (name, value) pairs becomes a dict."""
    if headers is None or isinstance(headers, Mapping):
        return headers
    grouped: dict[str, tuple[str, list[str]]] = {}
    for name, value in headers:
        key = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
        grouped.setdefault(key.lower(), (key, []))[1].append(text)
    return {
        key: values[0] if len(values) == 1 else RepeatedHeader(values)
        for key, values in grouped.values()
    }


def build_scope(
    request: PreparedRequest,
    *,
    kind: str,
    root_path: str,
    client: tuple[str, int],
    state: Mapping[str, Any],
) -> dict[str, Any]:
    """The scope of `request`, for `kind` "http" or "websocket".

    `path` is percent-decoded, `raw_path` keeps the encoding. `root_path` only sets the
    scope's "root_path", as in Starlette's client: the test asks for the full path
    (`client.get("/api/items")` with root_path="/api"), and the router strips the root path
    when it matches (`get_route_path`).
    """
    url = request.url or ""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    allowed = HTTP_SCHEMES if kind == "http" else WEBSOCKET_SCHEMES
    if scheme not in allowed:
        raise ValueError(
            f"cannot send a {kind} request to {url!r}: the scheme must be one of "
            f"{', '.join(sorted(allowed))}"
        )
    raw = parts.path or "/"
    raw_path = raw.encode("ascii")
    headers = [
        (_header_bytes(name).lower(), _header_bytes(value))
        for name, given in request.headers.items()
        for value in (given.values if isinstance(given, RepeatedHeader) else (given,))
    ]
    if not any(name == b"host" for name, _ in headers):
        headers.insert(0, (b"host", parts.netloc.rsplit("@", 1)[-1].encode("ascii")))
    scope: dict[str, Any] = {
        "type": kind,
        "asgi": dict(ASGI_VERSION),
        "http_version": "1.1",
        "scheme": scheme,
        "server": (parts.hostname, DEFAULT_PORTS[scheme] if parts.port is None else parts.port),
        "client": client,
        "root_path": root_path,
        "path": unquote(raw),
        "raw_path": raw_path,
        "query_string": parts.query.encode("ascii"),
        "headers": headers,
        "state": dict(state),
    }
    if kind == "http":
        scope["method"] = (request.method or "GET").upper()
        scope["extensions"] = {k: dict(v) for k, v in HTTP_EXTENSIONS.items()}
    else:
        scope["subprotocols"] = [
            value.strip()
            for name, raw_value in headers
            if name == b"sec-websocket-protocol"
            for value in raw_value.decode("latin-1").split(",")
        ]
        scope["extensions"] = {k: dict(v) for k, v in WEBSOCKET_EXTENSIONS.items()}
    return scope
