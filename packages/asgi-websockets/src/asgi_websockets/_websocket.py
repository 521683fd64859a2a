"""WebSocket: the connection object an endpoint talks through, with its state checked."""

from __future__ import annotations

import enum
import json
import re
from collections.abc import AsyncIterator, Iterable
from typing import Any, Literal

from asgi_protocol.datastructures import check_header_bytes
from asgi_protocol.exceptions import WebSocketDisconnect
from asgi_protocol.jsontext import InvalidJSON, decode_json
from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send
from asgi_requests import HTTPConnection
from asgi_websockets.exceptions import InvalidJSONMessage, WebSocketDisconnected

Mode = Literal["text", "binary"]
# RFC 6455 section 4.1: a subprotocol is an RFC 7230 token.
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def handshake_headers(headers: Iterable[tuple[bytes, bytes]] | None) -> list[tuple[bytes, bytes]]:
    """The accept's extra headers as a list, refusing what would inject into the handshake.

    The server writes them into its 101 answer as HTTP headers, so CR, LF and NUL are as
    dangerous here as in any response.
    """
    checked = []
    for name, value in headers or ():
        for part, what in ((name, "name"), (value, "value")):
            if not isinstance(part, bytes):
                raise TypeError(f"WebSocket accept header {what} {part!r} must be bytes")
            check_header_bytes(part, what=what)
        checked.append((name, value))
    return checked


class WebSocketState(enum.Enum):
    CONNECTING = 0
    CONNECTED = 1
    DISCONNECTED = 2
    RESPONSE = 3


def decode_json_frame(data: str | bytes) -> Any:
    """The JSON value of a text or binary message; InvalidJSONMessage if it holds none."""
    try:
        return decode_json(data)
    except InvalidJSON as exc:
        raise InvalidJSONMessage(exc.reason, exc.doc, exc.pos) from None


class WebSocket(HTTPConnection):
    """A WebSocket connection. Sending before accept or after close raises WebSocketDisconnected.

    `max_message_size` bounds incoming messages: a bigger one closes the socket with 1009
    and raises WebSocketDisconnect(1009).
    """

    scope_types = ("websocket",)

    def __init__(
        self, scope: Scope, receive: Receive, send: Send, *, max_message_size: int | None = None
    ) -> None:
        super().__init__(scope)
        self._receive = receive
        self._send = send
        self.max_message_size = max_message_size
        self.client_state = WebSocketState.CONNECTING
        self.application_state = WebSocketState.CONNECTING

    async def receive(self) -> Message:
        """Receive one ASGI message, checking it fits the connection's state."""
        state = self.client_state
        if state == WebSocketState.DISCONNECTED:
            raise WebSocketDisconnected(
                'Cannot call "receive" once a disconnect message has been received.'
            )
        message = await self._receive()
        kind = message["type"]
        if state == WebSocketState.CONNECTING:
            if kind != "websocket.connect":
                raise RuntimeError(f'Expected ASGI message "websocket.connect", but got {kind!r}')
            self.client_state = WebSocketState.CONNECTED
        elif kind == "websocket.disconnect":
            self.client_state = WebSocketState.DISCONNECTED
        elif kind != "websocket.receive":
            raise RuntimeError(
                f'Expected ASGI message "websocket.receive" or "websocket.disconnect", but got {kind!r}'
            )
        elif self.max_message_size is not None:
            size = len(message.get("bytes") or b"") + len((message.get("text") or "").encode())
            if size > self.max_message_size:
                await self.close(1009, f"Message larger than {self.max_message_size} bytes")
                raise WebSocketDisconnect(1009, "Message too big")
        return message

    async def send(self, message: Message) -> None:
        """Send one ASGI message, checking it fits the connection's state."""
        state = self.application_state
        kind = message["type"]
        if state == WebSocketState.CONNECTING:
            allowed = ("websocket.accept", "websocket.close", "websocket.http.response.start")
            if kind not in allowed:
                raise RuntimeError(
                    f"Expected ASGI message {' / '.join(map(repr, allowed))}, but got {kind!r}"
                )
            if kind == "websocket.close":
                self.application_state = WebSocketState.DISCONNECTED
            elif kind == "websocket.http.response.start":
                self.application_state = WebSocketState.RESPONSE
            else:
                self.application_state = WebSocketState.CONNECTED
        elif state == WebSocketState.CONNECTED:
            if kind not in ("websocket.send", "websocket.close"):
                raise RuntimeError(
                    f'Expected ASGI message "websocket.send" or "websocket.close", but got {kind!r}'
                )
            if kind == "websocket.close":
                self.application_state = WebSocketState.DISCONNECTED
        elif state == WebSocketState.RESPONSE:
            if kind != "websocket.http.response.body":
                raise RuntimeError(
                    f'Expected ASGI message "websocket.http.response.body", but got {kind!r}'
                )
            if not message.get("more_body", False):
                self.application_state = WebSocketState.DISCONNECTED
        else:
            raise WebSocketDisconnected('Cannot call "send" once a close message has been sent.')
        try:
            await self._send(message)
        except OSError:
            self.application_state = WebSocketState.DISCONNECTED
            raise WebSocketDisconnect(code=1006) from None

    async def accept(
        self, subprotocol: str | None = None, headers: Iterable[tuple[bytes, bytes]] | None = None
    ) -> None:
        # Checked before anything is received or sent: a bad argument leaves the handshake as
        # it was.
        if subprotocol is not None and not _TOKEN.fullmatch(subprotocol):
            raise ValueError(f"WebSocket subprotocol {subprotocol!r} is not an HTTP token")
        # Always a headers list, even empty: middleware around the endpoint appends to it.
        message: Message = {"type": "websocket.accept", "headers": handshake_headers(headers)}
        if subprotocol is not None:
            message["subprotocol"] = subprotocol
        if self.client_state == WebSocketState.CONNECTING:
            await self.receive()  # the client's websocket.connect
        await self.send(message)

    def _check_connected(self, message: Message) -> None:
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))

    async def receive_text(self) -> str:
        self._require_accepted()
        message = await self.receive()
        self._check_connected(message)
        return message["text"]  # type: ignore[no-any-return]

    async def receive_bytes(self) -> bytes:
        self._require_accepted()
        message = await self.receive()
        self._check_connected(message)
        return message["bytes"]  # type: ignore[no-any-return]

    async def receive_json(self, mode: Mode = "text") -> Any:
        if mode not in ("text", "binary"):
            raise RuntimeError('The "mode" argument should be "text" or "binary".')
        self._require_accepted()
        message = await self.receive()
        self._check_connected(message)
        return decode_json_frame(message["text"] if mode == "text" else message["bytes"])

    def _require_accepted(self) -> None:
        if self.application_state != WebSocketState.CONNECTED:
            raise WebSocketDisconnected('WebSocket is not connected. Need to call "accept" first.')

    async def iter_text(self) -> AsyncIterator[str]:
        try:
            while True:
                yield await self.receive_text()
        except WebSocketDisconnect:
            pass

    async def iter_bytes(self) -> AsyncIterator[bytes]:
        try:
            while True:
                yield await self.receive_bytes()
        except WebSocketDisconnect:
            pass

    async def iter_json(self) -> AsyncIterator[Any]:
        try:
            while True:
                yield await self.receive_json()
        except WebSocketDisconnect:
            pass

    async def send_text(self, data: str) -> None:
        await self.send({"type": "websocket.send", "text": data})

    async def send_bytes(self, data: bytes) -> None:
        await self.send({"type": "websocket.send", "bytes": data})

    async def send_json(self, data: Any, mode: Mode = "text") -> None:
        if mode not in ("text", "binary"):
            raise RuntimeError('The "mode" argument should be "text" or "binary".')
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        if mode == "text":
            await self.send({"type": "websocket.send", "text": text})
        else:
            await self.send({"type": "websocket.send", "bytes": text.encode("utf-8")})

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        await self.send({"type": "websocket.close", "code": code, "reason": reason or ""})

    async def send_denial_response(self, response: ASGIApp) -> None:
        """Refuse the handshake with an HTTP response (the websocket.http.response extension)."""
        if "websocket.http.response" not in (self.scope.get("extensions") or {}):
            raise RuntimeError(
                "The server doesn't support the Websocket Denial Response extension."
            )
        await response(self.scope, self.receive, self.send)


class WebSocketClose:
    """An ASGI app that closes the WebSocket (e.g. the router's answer to an unknown path)."""

    def __init__(self, code: int = 1000, reason: str | None = None) -> None:
        self.code = code
        self.reason = reason or ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "websocket.close", "code": self.code, "reason": self.reason})
