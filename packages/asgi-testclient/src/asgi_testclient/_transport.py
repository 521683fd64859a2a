"""The `requests` transport adapter: it hands each prepared request to the ASGI app in-process.

Rules of this module:
- the request body is read on the caller's thread (generators and files may not be
  thread-safe) and fed to the app as one `http.request` message per chunk;
- the app runs on the portal's loop; the caller blocks on the result;
- the response is collected whole, then wrapped as a `requests.Response`.
"""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.message import Message as EmailMessage
from http import HTTPStatus
from http.client import HTTPMessage
from typing import Any

import requests
from requests.adapters import BaseAdapter
from requests.cookies import extract_cookies_to_jar
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from asgi_protocol.types import ASGIApp, Message

from ._decode import decode_body
from ._errors import ASGIProtocolError, NoResponseError
from ._portal import Portal
from ._scope import WEBSOCKET_SCHEMES, build_scope

CHUNK_SIZE = 64 * 1024


def request_chunks(body: object) -> list[bytes]:
    """Split a prepared body into the chunks the app receives (one message each)."""
    if body is None:
        return []
    if isinstance(body, bytes):
        return [body]
    if isinstance(body, str):
        return [body.encode("utf-8")]
    if hasattr(body, "read"):
        chunks: list[bytes] = []
        while chunk := body.read(CHUNK_SIZE):
            chunks.append(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
        return chunks
    if isinstance(body, Iterable):
        return [c.encode("utf-8") if isinstance(c, str) else bytes(c) for c in body if c]
    raise TypeError(f"cannot send a request body of type {type(body).__name__}")


@dataclass
class Exchange:
    """What the app sent back for one HTTP request."""

    status: int | None = None
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: list[bytes] = field(default_factory=list)
    trailers: list[tuple[bytes, bytes]] = field(default_factory=list)
    complete: bool = False
    error: Exception | None = None
    # `http.response.debug` info (a template response's template and context), for assertions.
    debug: dict[str, Any] | None = None


def _read_fd(message: Message) -> bytes:
    """The bytes a `http.response.zerocopysend` message points at."""
    file = message["file"]
    fd = file if isinstance(file, int) else file.fileno()
    offset = message.get("offset")
    count = message.get("count")
    if offset is not None:
        return os.pread(fd, count if count is not None else os.fstat(fd).st_size, offset)
    if count is not None:
        return os.read(fd, count)
    out = bytearray()
    while chunk := os.read(fd, CHUNK_SIZE):
        out += chunk
    return bytes(out)


async def run_http(app: ASGIApp, scope: dict[str, Any], chunks: list[bytes]) -> Exchange:
    """Run `app` for one request; what it sent, and what it raised, end up in the `Exchange`."""
    exchange = Exchange()
    done = asyncio.Event()
    pending = list(chunks)
    wants_trailers = False
    first = True

    async def receive() -> Message:
        nonlocal first
        if pending or first:  # an empty body is still one message
            first = False
            body = pending.pop(0) if pending else b""
            return {"type": "http.request", "body": body, "more_body": bool(pending)}
        await done.wait()  # like a server: nothing more until the client goes away
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal wants_trailers
        kind = message["type"]
        if kind == "http.response.debug":
            exchange.debug = dict(message.get("info", {}))
            return
        if exchange.complete:
            raise ASGIProtocolError(f"the app sent {kind!r} after the response was complete")
        if kind == "http.response.start":
            if exchange.status is not None:
                raise ASGIProtocolError("the app sent 'http.response.start' twice")
            exchange.status = int(message["status"])
            exchange.headers = [(bytes(k), bytes(v)) for k, v in message.get("headers", [])]
            wants_trailers = bool(message.get("trailers", False))
            return
        if exchange.status is None:
            raise ASGIProtocolError(f"the app sent {kind!r} before 'http.response.start'")
        more = False
        if kind == "http.response.body":
            exchange.body.append(bytes(message.get("body", b"")))
            more = bool(message.get("more_body", False))
        elif kind == "http.response.pathsend":
            with open(message["path"], "rb") as file:  # noqa: ASYNC230 - a test client, small files
                exchange.body.append(file.read())
        elif kind == "http.response.zerocopysend":
            exchange.body.append(_read_fd(message))
            more = bool(message.get("more_body", False))
        elif kind == "http.response.trailers":
            exchange.trailers.extend((bytes(k), bytes(v)) for k, v in message.get("headers", []))
            if message.get("more_trailers", False):
                return
            exchange.complete = True
            done.set()
            return
        else:
            raise ASGIProtocolError(f"the app sent an unexpected {kind!r} message on HTTP")
        if not more and not wants_trailers:
            exchange.complete = True
            done.set()

    try:
        await app(scope, receive, send)
    except Exception as exc:
        exchange.error = exc
    finally:
        done.set()
    return exchange


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class _OriginalResponse:
    """Stands in for `http.client.HTTPResponse`: requests reads Set-Cookie from its `.msg`."""

    def __init__(self, msg: EmailMessage) -> None:
        self.msg = msg


class RawBody(io.BytesIO):
    """`response.raw`: the decoded body, the response trailers (`http.response.trailers`),
    and the header message that requests' cookie extraction reads."""

    def __init__(self, body: bytes, msg: EmailMessage, trailers: CaseInsensitiveDict[str]) -> None:
        super().__init__(body)
        self.trailers = trailers
        self._original_response = _OriginalResponse(msg)


class ASGIAdapter(BaseAdapter):
    """Sends every request of a `requests.Session` to `app`, on the portal's event loop."""

    def __init__(
        self,
        app: ASGIApp,
        portal: Portal,
        *,
        raise_server_exceptions: bool = True,
        root_path: str = "",
        client: tuple[str, int] = ("testclient", 50000),
        state: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.app = app
        self.portal = portal
        self.raise_server_exceptions = raise_server_exceptions
        self.root_path = root_path
        self.client = client
        # The lifespan state; the client fills it on startup. Each request gets a shallow copy.
        self.state: dict[str, Any] = dict(state or {})

    def scope_for(self, request: requests.PreparedRequest, kind: str) -> dict[str, Any]:
        return build_scope(
            request, kind=kind, root_path=self.root_path, client=self.client, state=self.state
        )

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: object = None,
        verify: object = True,
        cert: object = None,
        proxies: object = None,
    ) -> requests.Response:
        """Run the app for `request`; `timeout`, `verify`, `cert`, `proxies` mean nothing here."""
        scheme = (request.url or "").split(":", 1)[0].lower()
        if scheme in WEBSOCKET_SCHEMES:
            raise ValueError(
                f"{request.url!r} is a websocket URL: use client.websocket_connect() for it"
            )
        scope = self.scope_for(request, "http")
        chunks = request_chunks(request.body)
        exchange = self.portal.call(run_http(self.app, scope, chunks))
        if exchange.error is not None:
            if self.raise_server_exceptions:
                raise exchange.error
            if exchange.status is None:
                exchange = Exchange(status=500, body=[b"Internal Server Error"])
                exchange.headers = [(b"content-type", b"text/plain; charset=utf-8")]
        if exchange.status is None:
            raise NoResponseError(
                f"the app returned without sending 'http.response.start' for "
                f"{scope['method']} {request.url}"
            )
        return self.build_response(request, exchange)

    def build_response(
        self, request: requests.PreparedRequest, exchange: Exchange
    ) -> requests.Response:
        status = exchange.status or 500
        msg = HTTPMessage()
        for name, value in exchange.headers:
            msg[name.decode("latin-1")] = value.decode("latin-1")
        headers: CaseInsensitiveDict[str] = CaseInsensitiveDict()
        for name, value in exchange.headers:
            key, text = name.decode("latin-1"), value.decode("latin-1")
            headers[key] = f"{headers[key]}, {text}" if key in headers else text
        body = b"" if request.method == "HEAD" else b"".join(exchange.body)
        body = decode_body(body, headers.get("content-encoding"))
        response = requests.Response()
        response.status_code = status
        response.headers = headers
        trailers: CaseInsensitiveDict[str] = CaseInsensitiveDict(
            (k.decode("latin-1"), v.decode("latin-1")) for k, v in exchange.trailers
        )
        response.raw = RawBody(body, msg, trailers)
        response.reason = reason_phrase(status)
        response.url = request.url or ""
        response.encoding = get_encoding_from_headers(headers)
        response.request = request
        response.connection = self  # type: ignore[assignment]  # requests types it HTTPAdapter
        extract_cookies_to_jar(response.cookies, request, response.raw)  # type: ignore[no-untyped-call]
        if exchange.debug is not None:
            # As Starlette's client: `response.template` and `response.context` for assertions.
            setattr(response, "template", exchange.debug.get("template"))  # noqa: B010
            setattr(response, "context", exchange.debug.get("context"))  # noqa: B010
        return response

    def close(self) -> None:
        """Nothing to release per adapter: the client stops the shared portal."""
