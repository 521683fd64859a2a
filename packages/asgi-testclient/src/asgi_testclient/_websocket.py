"""A websocket session against the app: the test thread talks, the app runs on the portal.

Messages to the app go through an `asyncio.Queue` on the loop; messages from the app come
back through a thread-safe `queue.Queue` the test blocks on. When the app task ends, it puts
a `_Ended` marker (with the exception, if any) so a blocked `receive()` never hangs.
"""

from __future__ import annotations

import asyncio
import json
import math
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Self

import requests
from requests.structures import CaseInsensitiveDict

from asgi_protocol.exceptions import WebSocketDisconnect
from asgi_protocol.types import ASGIApp, Message
from asgi_testclient._portal import Portal
from asgi_testclient._transport import ASGIAdapter, reason_phrase
from asgi_testclient.exceptions import ASGIProtocolError, NoResponseError, WebSocketDenialResponse

Mode = Literal["text", "binary"]


@dataclass
class _Ended:
    """The app task finished; `error` is what it raised."""

    error: Exception | None = None


class WebSocketTestSession:
    """The client side of one websocket; a context manager that closes on exit."""

    __test__ = False

    #: How long leaving the `with` block waits, after the disconnect, for the app to return
    #: before it cancels the app (one that sleeps or streams forever must not hang the test).
    close_grace = 0.25

    def __init__(
        self,
        app: ASGIApp,
        portal: Portal,
        scope: dict[str, Any],
        release: Callable[[], None] | None = None,
    ) -> None:
        self.app = app
        self.portal = portal
        self._release = release or (lambda: None)
        self.scope = scope
        self.accepted_subprotocol: str | None = None
        self.extra_headers: list[tuple[bytes, bytes]] = []
        self._from_app: queue.Queue[Message | _Ended] = queue.Queue()
        self._to_app: asyncio.Queue[Message] | None = None
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._ended: _Ended | None = None
        self.owner: object = None  # whatever must outlive this session (the client)

    # -- running the app -------------------------------------------------------------------

    async def _start(self) -> None:
        self._to_app = asyncio.Queue()
        self._to_app.put_nowait({"type": "websocket.connect"})
        self._task = asyncio.create_task(self._run(self._to_app))

    async def _run(self, inbox: asyncio.Queue[Message]) -> None:
        gone: Message | None = None

        async def receive() -> Message:
            # Once the client has gone, every further receive sees the disconnect again,
            # as on a server, instead of waiting forever.
            nonlocal gone
            if gone is not None and inbox.empty():
                return gone
            message = await inbox.get()
            if message["type"] == "websocket.disconnect":
                gone = message
            return message

        async def send(message: Message) -> None:
            self._from_app.put(message)

        try:
            await self.app(self.scope, receive, send)
        except asyncio.CancelledError:
            self._from_app.put(_Ended())  # cancelled on exit: the app ignored the disconnect
        except Exception as exc:
            self._from_app.put(_Ended(exc))
        else:
            self._from_app.put(_Ended())

    async def _put(self, message: Message) -> None:
        assert self._to_app is not None
        await self._to_app.put(message)

    async def _cancel(self) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.wait([self._task])

    async def _stop(self) -> None:
        """After a refused handshake: an app still running then is cancelled."""
        if self._task is not None and not self._task.done():
            await self._cancel()

    def _next(self, timeout: float | None = None) -> Message | _Ended:
        if self._ended is not None:
            return self._ended
        item = self._from_app.get(timeout=timeout)
        if isinstance(item, _Ended):
            # Later reads see a plain end: the app's error is raised to the test only once.
            self._ended = _Ended()
        return item

    # -- handshake --------------------------------------------------------------------------

    def handshake(self) -> None:
        """Send `websocket.connect` and read the app's answer: accept, close, or denial."""
        self.portal.call(self._start())
        item = self._next()
        if isinstance(item, _Ended):
            self._closed = True
            if item.error is not None:
                raise item.error
            raise NoResponseError("the app returned without accepting or closing the websocket")
        kind = item.get("type")
        if kind == "websocket.accept":
            self.accepted_subprotocol = item.get("subprotocol")
            self.extra_headers = [(bytes(k), bytes(v)) for k, v in item.get("headers", [])]
            return
        self._closed = True
        if kind == "websocket.close":
            raise WebSocketDisconnect(item.get("code", 1000), item.get("reason"))
        if kind == "websocket.http.response.start":
            raise WebSocketDenialResponse(self._denial(item))
        self.portal.call(self._put({"type": "websocket.disconnect", "code": 1006}))
        hint = " (is it an HTTP-only app?)" if str(kind).startswith("http.") else ""
        raise ASGIProtocolError(f"the app answered a websocket handshake with {kind!r}{hint}")

    def _denial(self, start: Message) -> requests.Response:
        status = int(start["status"])
        headers: CaseInsensitiveDict[str] = CaseInsensitiveDict()
        for name, value in start.get("headers", []):
            headers[bytes(name).decode("latin-1")] = bytes(value).decode("latin-1")
        body = bytearray()
        while True:
            item = self._next()
            if isinstance(item, _Ended):
                if item.error is not None:
                    raise item.error
                break
            if item.get("type") != "websocket.http.response.body":
                raise ASGIProtocolError(
                    f"the app sent {item.get('type')!r} inside a websocket denial response"
                )
            body += item.get("body", b"")
            if not item.get("more_body", False):
                break
        response = requests.Response()
        response.status_code = status
        response.headers = headers
        response._content = bytes(body)
        response.reason = reason_phrase(status)
        response.encoding = requests.utils.get_encoding_from_headers(headers)
        return response

    # -- sending ----------------------------------------------------------------------------

    def send(self, message: Message) -> None:
        """Hand one raw ASGI message (websocket.receive / websocket.disconnect) to the app."""
        if self._closed:
            raise RuntimeError("the websocket is closed; cannot send")
        self.portal.call(self._put(message))

    def send_text(self, data: str) -> None:
        self.send({"type": "websocket.receive", "text": data})

    def send_bytes(self, data: bytes) -> None:
        self.send({"type": "websocket.receive", "bytes": data})

    def send_json(self, data: Any, mode: Mode = "text") -> None:
        """Send `data` as JSON in a text frame, or UTF-8 encoded in a binary one."""
        if mode not in ("text", "binary"):
            raise ValueError(f"mode must be 'text' or 'binary', not {mode!r}")
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        if mode == "text":
            self.send_text(text)
        else:
            self.send_bytes(text.encode("utf-8"))

    def close(self, code: int = 1000, reason: str | None = None) -> None:
        """Tell the app the client went away (`websocket.disconnect` with `code`)."""
        if self._closed:
            return
        self.send({"type": "websocket.disconnect", "code": code, "reason": reason or ""})
        self._closed = True

    # -- receiving --------------------------------------------------------------------------

    def receive(self) -> Message:
        """The next message the app sent; once the app has returned, a `websocket.close`."""
        item = self._next()
        if isinstance(item, _Ended):
            self._closed = True
            if item.error is not None:
                raise item.error
            return {"type": "websocket.close", "code": 1000, "reason": ""}
        if item.get("type") == "websocket.close":
            self._closed = True
        return item

    def _receive_data(self) -> Message:
        message = self.receive()
        kind = message.get("type")
        if kind == "websocket.close":
            raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
        if kind != "websocket.send":
            raise ASGIProtocolError(f"the app sent {kind!r} where data was expected")
        return message

    def receive_text(self) -> str:
        message = self._receive_data()
        text = message.get("text")
        if text is None:
            raise TypeError("the app sent a binary frame; use receive_bytes()")
        return str(text)

    def receive_bytes(self) -> bytes:
        message = self._receive_data()
        data = message.get("bytes")
        if data is None:
            raise TypeError("the app sent a text frame; use receive_text()")
        return bytes(data)

    def receive_json(self, mode: Mode = "text") -> Any:
        """Parse the next frame as JSON: a text frame, or a UTF-8 binary one."""
        if mode not in ("text", "binary"):
            raise ValueError(f"mode must be 'text' or 'binary', not {mode!r}")
        if mode == "text":
            return json.loads(self.receive_text())
        return json.loads(self.receive_bytes().decode("utf-8"))

    # -- context manager --------------------------------------------------------------------

    def __enter__(self) -> Self:
        return self

    def _drain(self) -> _Ended:
        """Skip what the app sent that the test did not read, up to its end (cancel it if it
        is still running after `close_grace`)."""
        deadline = time.monotonic() + self.close_grace
        while True:
            try:
                item = self._next(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.portal.call(self._cancel())
                deadline = math.inf
                continue
            if isinstance(item, _Ended):
                return item

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        try:
            self.close()
            item = self._drain()
        finally:
            self._release()
        error = item.error
        if exc_type is None and error is not None and not isinstance(error, WebSocketDisconnect):
            raise error


def open_websocket(adapter: ASGIAdapter, request: requests.PreparedRequest) -> WebSocketTestSession:
    """Build the scope, run the handshake, and return the open session."""
    scope = adapter.scope_for(request, "websocket")
    portal, release = adapter.portal_for_request()
    session = WebSocketTestSession(adapter.app, portal, scope, release)
    try:
        session.handshake()
    except BaseException:
        session.portal.call(session._stop())
        release()
        raise
    return session
