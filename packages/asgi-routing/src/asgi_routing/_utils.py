"""Small helpers shared by routes, the router and endpoints."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Iterable, Mapping
from typing import Any

from asgi_protocol.exceptions import ANSWERER_SCOPE_KEY, HTTPException, handled_above
from asgi_protocol.types import ASGIApp, Message, Receive, Scope, Send
from asgi_responses import PlainTextResponse
from asgi_responses._shared import http_exception_response
from asgi_routing.exceptions import InvalidEndpoint

# The HTTP verbs in the order an Allow header lists them (Starlette's order).
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "QUERY")
_METHOD_RANK = {method: rank for rank, method in enumerate(HTTP_METHODS)}


def allow_header(methods: Iterable[str]) -> str:
    """The Allow header value for `methods`: known verbs in their usual order, others after."""
    return ", ".join(sorted(methods, key=lambda m: (_METHOD_RANK.get(m, len(HTTP_METHODS)), m)))


def is_plain_function(obj: Any) -> bool:
    """Functions and methods (also partials of them) are endpoints; anything else is an app."""
    while isinstance(obj, functools.partial):
        obj = obj.func
    return inspect.isfunction(obj) or inspect.ismethod(obj)


def get_name(endpoint: Any) -> str:
    """The default route name: the function's or class's name, else its type's name."""
    return getattr(endpoint, "__name__", type(endpoint).__name__)


def endpoint_name(endpoint: Any) -> str:
    """The name error messages give an endpoint: a partial's function's, else `get_name`."""
    while isinstance(endpoint, functools.partial):
        endpoint = endpoint.func
    return get_name(endpoint)


def check_takes_connection(func: Any, connection: str) -> None:
    """Refuse, when it is wrapped, an endpoint that cannot be called with the connection alone.

    `async def home():` and FastAPI's `async def item(request, item_id)` are the usual slips;
    a function without a signature (a builtin) is left to fail when called.
    """
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):  # pragma: no cover - no signature to read (a builtin)
        return
    try:
        signature.bind(None)
    except TypeError as exc:
        name = endpoint_name(func)
        fix = (
            "an ASGI app as a function? Give it to Mount(path, app=...), which calls it as one"
            if list(signature.parameters)[:3] == ["scope", "receive", "send"]
            else f"define it as `async def {name}({connection})`, and read path parameters "
            f"from {connection}.path_params"
        )
        raise InvalidEndpoint(
            func, f"Endpoint {name!r} cannot be called with the {connection} alone ({exc}): {fix}"
        ) from None


async def http_error(
    scope: Scope,
    receive: Receive,
    send: Send,
    status_code: int,
    detail: str,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Answer an HTTP error the Starlette way.

    Inside our application an exception middleware turns the raised HTTPException into the
    response the user configured; a bare router, or one inside another framework, answers.
    """
    if handled_above(scope):
        raise HTTPException(status_code, detail, headers=headers)
    response = PlainTextResponse(detail, status_code=status_code, headers=headers)
    await response(scope, receive, send)


async def answer_in_place(
    exc: Exception, connection: Any, scope: Scope, receive: Receive, send: Send
) -> bool:
    """Have the app's exception middleware answer `exc` here, with the endpoint's connection.

    Only where `handled_above(scope)`: the answerer in the scope is then that middleware's.
    False when no handler takes the exception (the caller re-raises it).
    """
    answerer = scope.get(ANSWERER_SCOPE_KEY)
    if answerer is None:
        return False
    answered: bool = await answerer.answer(exc, connection, scope, receive, send)
    return answered


async def answer_http_exceptions(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Run `app`; an HTTPException it raises before responding becomes that response."""
    started = False

    async def tracking_send(message: Message) -> None:
        nonlocal started
        started = True
        await send(message)

    try:
        await app(scope, receive, tracking_send)
    except HTTPException as exc:
        if started:
            raise
        await http_exception_response(exc)(scope, receive, send)


__all__ = [
    "HTTP_METHODS",
    "allow_header",
    "answer_http_exceptions",
    "answer_in_place",
    "check_takes_connection",
    "endpoint_name",
    "get_name",
    "http_error",
    "is_plain_function",
]
