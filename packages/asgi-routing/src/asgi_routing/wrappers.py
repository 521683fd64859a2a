"""Turn endpoint functions into ASGI apps: `request_response` and `websocket_session`."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, cast

from asgi_protocol.concurrency import is_async_callable, run_in_threadpool
from asgi_protocol.exceptions import HTTPException, handled_above
from asgi_protocol.jsontext import InvalidJSON
from asgi_protocol.types import ASGIApp, Receive, Scope, Send
from asgi_requests import Request
from asgi_responses import NotAResponse, Response
from asgi_responses._shared import http_exception_response
from asgi_routing._utils import answer_in_place, check_takes_connection, endpoint_name
from asgi_routing.exceptions import InvalidEndpoint
from asgi_websockets import WebSocket


class RoutedRequest(Request):
    """The Request endpoints receive: a body that is not JSON is the client's fault (400).

    Only `json()` is translated, so a JSONDecodeError raised by the endpoint's own code (say,
    parsing a file) still surfaces as the bug it is.
    """

    async def json(self) -> Any:
        try:
            return await super().json()
        except InvalidJSON as exc:  # bad syntax, not UTF-8, NaN, too deep, too long a number
            raise HTTPException(400, "Invalid JSON body") from exc


def request_response(
    func: Callable[[Request], Awaitable[Response] | Response],
) -> ASGIApp:
    """Wrap `func(request) -> Response` (async, or sync run in the threadpool) as an ASGI app.

    Inside an app of ours, what `func` raises is answered right here by the app's handlers,
    with this very Request (a body it read stays readable to the handler) and through any
    route or mount middleware around us. Outside one (a bare Router, or one mounted in another
    framework) nobody above knows our HTTPException, so an endpoint raising one gets its
    plain-text answer here.
    """
    check_takes_connection(func, "request")
    call: Callable[[Request], Awaitable[Response]]
    if is_async_callable(func):
        call = cast(Callable[[Request], Awaitable[Response]], func)
    else:
        sync_func = cast(Callable[[Request], Response], func)

        def call(request: Request) -> Awaitable[Response]:
            return run_in_threadpool(sync_func, request)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        # Hot path: the endpoint's call and its response; what it raises is looked at only
        # when it raises.
        request = RoutedRequest(scope, receive, send)
        try:
            response = await call(request)
        except Exception as exc:
            if handled_above(scope):
                if await answer_in_place(exc, request, scope, receive, send):
                    return
            elif isinstance(exc, HTTPException):  # nobody above knows it: answer it here
                await http_exception_response(exc)(scope, receive, send)
                return
            raise
        try:
            await response(scope, receive, send)
        except Exception:
            # Only on failure: was it no response at all (a dict, None, a coroutine)?
            if NotAResponse.explains(response):
                raise NotAResponse(f"Endpoint {endpoint_name(func)!r}", response) from None
            raise

    return app


def websocket_session(func: Callable[[WebSocket], Awaitable[None]]) -> ASGIApp:
    """Wrap `func(websocket)`, which returns an awaitable, as an ASGI app.

    A decorated endpoint is often a plain function handing back the inner coroutine, so what is
    checked is the result, when the session runs, not how the function was defined. Inside an
    app of ours, what the session raises is answered here by the app's handlers, which get
    this WebSocket.
    """

    check_takes_connection(func, "websocket")

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        websocket = WebSocket(scope, receive=receive, send=send)
        session = func(websocket)
        if not inspect.isawaitable(session):
            raise InvalidEndpoint(func, _not_awaitable(func, session))
        try:
            await session
        except Exception as exc:
            if not (
                handled_above(scope) and await answer_in_place(exc, websocket, scope, receive, send)
            ):
                raise

    return app


def _not_awaitable(func: Callable[..., Any], session: object) -> str:
    name = endpoint_name(func)
    return (
        f"WebSocket endpoint {name!r} returned {type(session).__name__}, not an awaitable: "
        f"define it as `async def {name}(websocket)`"
    )


__all__ = ["RoutedRequest", "request_response", "websocket_session"]
