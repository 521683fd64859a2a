"""Class-based endpoints: HTTPEndpoint (a method per HTTP verb) and WebSocketEndpoint.

The class itself is the ASGI app: `Endpoint(scope, receive, send)` builds an instance, and
awaiting the instance handles the connection.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, ClassVar

from asgi_protocol.concurrency import is_async_callable, run_in_threadpool
from asgi_protocol.exceptions import HTTPException, handled_above
from asgi_protocol.status import (
    WS_1000_NORMAL_CLOSURE,
    WS_1003_UNSUPPORTED_DATA,
    WS_1011_INTERNAL_ERROR,
)
from asgi_protocol.types import Message, Receive, Scope, Send
from asgi_requests import Request
from asgi_responses import NotAResponse, PlainTextResponse, Response
from asgi_routing._utils import HTTP_METHODS, allow_header
from asgi_routing.exceptions import UnsupportedData
from asgi_routing.wrappers import RoutedRequest
from asgi_websockets import InvalidJSONMessage, WebSocket, decode_json_frame


class HTTPEndpoint:
    """Subclass and define `get`, `post`, ... taking a Request and returning a Response."""

    # Computed once per subclass: upper-case verb -> method name.
    _handlers: ClassVar[dict[str, str]] = {}
    _allow: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # A verb set to None (`post = None`) turns off one a base class defines.
        handlers = {
            verb: verb.lower()
            for verb in HTTP_METHODS
            if getattr(cls, verb.lower(), None) is not None
        }
        if "GET" in handlers and "HEAD" not in handlers:
            handlers["HEAD"] = "get"
        cls._handlers = handlers
        cls._allow = allow_header(handlers)

    def __init__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            raise ValueError(f"HTTPEndpoint handles http scopes, not {scope['type']!r}")
        self.scope = scope
        self.receive = receive
        self.send = send

    def __await__(self) -> Generator[Any, None, None]:
        return self.dispatch().__await__()

    async def dispatch(self) -> None:
        request = RoutedRequest(self.scope, receive=self.receive, send=self.send)
        # Only declared verbs are looked up, so a method named "__init__" is never called.
        name = self._handlers.get(request.method)
        handler: Callable[[Request], Any] = (
            self.method_not_allowed if name is None else getattr(self, name)
        )
        if is_async_callable(handler):
            response: Response = await handler(request)
        else:
            response = await run_in_threadpool(handler, request)
        try:
            await response(self.scope, self.receive, self.send)
        except Exception:
            if NotAResponse.explains(response):
                method = name or "method_not_allowed"
                raise NotAResponse(f"{type(self).__name__}.{method}", response) from None
            raise

    async def method_not_allowed(self, request: Request) -> Response:
        """The answer to a verb the class does not define: 405 with Allow (override to change).

        Inside an app of ours it raises, so the app's handler for 405 answers.
        """
        headers = {"Allow": self._allow}
        if handled_above(self.scope):
            raise HTTPException(405, headers=headers)
        return PlainTextResponse("Method Not Allowed", status_code=405, headers=headers)


class WebSocketEndpoint:
    """Subclass and override on_connect / on_receive / on_disconnect.

    `encoding` ("text", "bytes", "json" or None for raw) decides what on_receive gets. A text
    message where bytes are expected (or the reverse) closes the connection with 1003
    (unsupported data) and raises UnsupportedData, so on_disconnect sees 1011 (as in Starlette).
    A message that is not JSON is the client's doing, not a bug of the app's: the connection
    closes with 1007 (invalid payload), on_disconnect sees 1007, and nothing is raised.
    """

    encoding: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.encoding not in (None, "text", "bytes", "json"):
            raise ValueError(
                f"{cls.__name__}.encoding must be None, 'text', 'bytes' or 'json', "
                f"not {cls.encoding!r}"
            )

    def __init__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            raise ValueError(f"WebSocketEndpoint handles websocket scopes, not {scope['type']!r}")
        self.scope = scope
        self.receive = receive
        self.send = send

    def __await__(self) -> Generator[Any, None, None]:
        return self.dispatch().__await__()

    async def dispatch(self) -> None:
        websocket = WebSocket(self.scope, receive=self.receive, send=self.send)
        await self.on_connect(websocket)
        close_code = WS_1000_NORMAL_CLOSURE
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.receive":
                    try:
                        data = await self.decode(websocket, message)
                    except InvalidJSONMessage as exc:
                        await websocket.close(exc.code, exc.reason)
                        close_code = exc.code
                        break
                    await self.on_receive(websocket, data)
                else:  # websocket.disconnect: WebSocket.receive() lets nothing else through
                    close_code = int(message.get("code") or WS_1000_NORMAL_CLOSURE)
                    break
        except Exception:
            close_code = WS_1011_INTERNAL_ERROR
            raise
        finally:
            await self.on_disconnect(websocket, close_code)

    async def decode(self, websocket: WebSocket, message: Message) -> Any:
        """The payload of a receive message as `encoding` says.

        Text for bytes or bytes for text closes the connection with 1003 and raises
        UnsupportedData; what is not JSON raises InvalidJSONMessage (dispatch closes with 1007).
        """
        text = message.get("text")
        data = message.get("bytes")
        if self.encoding == "text":
            if text is None:
                await self._refuse(websocket, "Expected text websocket messages, but got bytes")
            return text
        if self.encoding == "bytes":
            if data is None:
                await self._refuse(websocket, "Expected bytes websocket messages, but got text")
            return data
        if self.encoding == "json":
            return decode_json_frame(text if text is not None else (data or b""))
        return text if text is not None else data

    @staticmethod
    async def _refuse(websocket: WebSocket, reason: str) -> None:
        await websocket.close(code=WS_1003_UNSUPPORTED_DATA)
        raise UnsupportedData(reason)

    async def on_connect(self, websocket: WebSocket) -> None:
        """Called on the handshake; accepts by default."""
        await websocket.accept()

    async def on_receive(self, websocket: WebSocket, data: Any) -> None:
        """Called with each decoded message."""

    async def on_disconnect(self, websocket: WebSocket, close_code: int) -> None:
        """Called once the connection is closed."""


__all__ = ["HTTPEndpoint", "UnsupportedData", "WebSocketEndpoint"]
