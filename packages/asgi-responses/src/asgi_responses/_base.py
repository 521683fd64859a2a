"""Response: status, headers and a body, sent as an ASGI app.

Hot path: the common case (bytes body, a media type, no extra headers) builds its raw header
list directly from precomputed byte strings; MutableHeaders is only created when someone asks
for `.headers`. (bench/inprocess.py, plaintext and json.)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from asgi_protocol.datastructures import MutableHeaders, encode_header_value
from asgi_protocol.types import Message, Receive, Scope, Send
from asgi_responses._cookies import SameSite, cookie_header_value
from asgi_tasks import BackgroundTask

# Statuses whose responses carry no body (RFC 9110 15.3.5, 15.4.5); 1xx never reach here.
NO_BODY_STATUS = frozenset({204, 304})
# Content-Type header pairs by (media type, charset), shared by every response of that type
# (tuples are immutable). Bounded, so media types an app builds from input can't grow it forever.
_CONTENT_TYPE_HEADERS: dict[tuple[str, str], tuple[bytes, bytes]] = {}
_CONTENT_TYPE_CACHE_SIZE = 256


def content_type_header(media_type: str, charset: str) -> tuple[bytes, bytes]:
    """`(b"content-type", b"text/plain; charset=utf-8")`: text types get the charset."""
    key = (media_type, charset)
    header = _CONTENT_TYPE_HEADERS.get(key)
    if header is None:
        value = media_type
        if media_type.startswith("text/") and "charset=" not in media_type.lower():
            value = f"{media_type}; charset={charset}"
        header = (b"content-type", encode_header_value(value))
        if len(_CONTENT_TYPE_HEADERS) < _CONTENT_TYPE_CACHE_SIZE:
            _CONTENT_TYPE_HEADERS[key] = header
    return header


def websocket_denial_send(send: Send) -> Send:
    """`send` for a response given as a WebSocket handshake denial (the websocket.http.response
    extension): its http.response.* messages go out as websocket.http.response.*."""

    async def denial_send(message: Message) -> None:
        kind = message["type"]
        if kind in ("http.response.start", "http.response.body"):
            message = {**message, "type": "websocket." + kind}
        await send(message)

    return denial_send


class Response:
    media_type: str | None = None
    charset = "utf-8"
    body: bytes | None = None  # streaming and file responses have none

    def __init__(
        self,
        content: Any = None,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        self.status_code = status_code
        if media_type is not None:
            self.media_type = media_type
        self.background = background
        self.body = self.render(content)
        self.init_headers(headers)

    def render(self, content: Any) -> bytes:
        if type(content) is str:  # the usual case first
            return content.encode(self.charset)
        if content is None:
            return b""
        if isinstance(content, (bytes, memoryview)):
            return bytes(content)
        return content.encode(self.charset)  # type: ignore[no-any-return]

    def init_headers(self, headers: Mapping[str, str] | None = None) -> None:
        body = self.body
        status = self.status_code
        media_type = self.media_type
        raw: list[tuple[bytes, bytes]] = []
        if not headers:
            # Hot path (bench/inprocess.py plaintext, json): no headers given, nothing to check.
            if body is not None and status >= 200 and status not in NO_BODY_STATUS:
                raw.append((b"content-length", str(len(body)).encode()))
            if media_type is not None:
                header = _CONTENT_TYPE_HEADERS.get((media_type, self.charset))
                raw.append(header or content_type_header(media_type, self.charset))
            self.raw_headers = raw
            return
        has_length = has_type = False
        for key, value in headers.items():
            name = encode_header_value(key, what="name").lower()
            raw.append((name, encode_header_value(value)))
            has_length = has_length or name == b"content-length"
            has_type = has_type or name == b"content-type"
        if body is not None and not has_length and not (status < 200 or status in NO_BODY_STATUS):
            raw.append((b"content-length", str(len(body)).encode()))
        if media_type is not None and not has_type:
            raw.append(content_type_header(media_type, self.charset))
        self.raw_headers = raw

    @property
    def headers(self) -> MutableHeaders:
        headers = getattr(self, "_headers", None)
        if headers is None:
            headers = self._headers = MutableHeaders(raw=self.raw_headers)
        return headers

    def set_cookie(
        self,
        key: str,
        value: str = "",
        max_age: int | None = None,
        expires: datetime | str | int | None = None,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: SameSite | None = "lax",
        partitioned: bool = False,
    ) -> None:
        value_ = cookie_header_value(
            key, value, max_age, expires, path, domain, secure, httponly, samesite, partitioned
        )
        self.raw_headers.append((b"set-cookie", encode_header_value(value_)))

    def delete_cookie(
        self,
        key: str,
        path: str = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: SameSite | None = "lax",
        partitioned: bool = False,
    ) -> None:
        # A partitioned (CHIPS) cookie lives in its own jar: only a partitioned expiry removes it.
        self.set_cookie(
            key,
            max_age=0,
            expires=0,
            path=path,
            domain=domain,
            secure=secure,
            httponly=httponly,
            samesite=samesite,
            partitioned=partitioned,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            # Hot path: literal message types, no string building.
            await send(
                {
                    "type": "http.response.start",
                    "status": self.status_code,
                    "headers": self.raw_headers,
                }
            )
            # HEAD: the same headers (Content-Length included), no body. A scope without a
            # method (a hand-built one in a test or a middleware) is answered as a GET.
            body = b"" if scope.get("method") == "HEAD" else self.body
            await send({"type": "http.response.body", "body": body})
        else:  # a denial response to a websocket handshake
            await send(
                {
                    "type": "websocket.http.response.start",
                    "status": self.status_code,
                    "headers": self.raw_headers,
                }
            )
            await send({"type": "websocket.http.response.body", "body": self.body})
        if self.background is not None:
            await self.background()
