"""Who is asking and what they may do: credentials, users, backends and the `requires` guard.

AuthenticationMiddleware (asgi_middleware.authentication) asks a backend for the credentials and
user of each connection and puts them in `scope["auth"]` and `scope["user"]`; endpoints read them
as `request.auth` / `request.user`, and `requires(...)` guards an endpoint by scope names.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, ParamSpec, TypeVar, cast
from urllib.parse import urlencode

from asgi_protocol.concurrency import is_async_callable
from asgi_protocol.exceptions import HTTPException
from asgi_protocol.status import WS_1008_POLICY_VIOLATION
from asgi_requests import HTTPConnection
from asgi_responses import RedirectResponse

P = ParamSpec("P")
R = TypeVar("R")


class AuthCredentials:
    """The scopes (permission names) the connection was granted."""

    def __init__(self, scopes: Sequence[str] | None = None) -> None:
        self.scopes = list(scopes or [])


class BaseUser:
    @property
    def is_authenticated(self) -> bool:
        raise NotImplementedError()

    @property
    def display_name(self) -> str:
        raise NotImplementedError()

    @property
    def identity(self) -> str:
        raise NotImplementedError()


class SimpleUser(BaseUser):
    def __init__(self, username: str) -> None:
        self.username = username

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def display_name(self) -> str:
        return self.username

    @property
    def identity(self) -> str:
        return self.username


class UnauthenticatedUser(BaseUser):
    @property
    def is_authenticated(self) -> bool:
        return False

    @property
    def display_name(self) -> str:
        return ""

    @property
    def identity(self) -> str:
        return ""


class AuthenticationBackend:
    """Subclass and implement `authenticate`; return None for an anonymous connection."""

    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, BaseUser] | None:
        raise NotImplementedError()


def has_required_scope(conn: HTTPConnection, scopes: Sequence[str]) -> bool:
    granted = conn.auth.scopes
    return all(scope in granted for scope in scopes)


def _connection_index(func: Callable[..., Any]) -> tuple[int, str]:
    for index, name in enumerate(inspect.signature(func).parameters):
        if name in ("request", "websocket"):
            return index, name
    name = getattr(func, "__qualname__", repr(func))
    raise ValueError(f'No "request" or "websocket" argument on function "{name}"')


def requires(
    scopes: str | Sequence[str], status_code: int = 403, redirect: str | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Guard an endpoint: without every scope named, answer `status_code` or redirect.

    `redirect` names a route; the redirect (303) carries `?next=<the refused URL>`. A refused
    WebSocket is closed with 1008 (policy violation). The endpoint finds its connection in the
    parameter named `request` or `websocket`, as in Starlette.
    """
    needed = [scopes] if isinstance(scopes, str) else list(scopes)

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        index, kind = _connection_index(func)

        def connection(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
            return kwargs[kind] if kind in kwargs else args[index]

        def refusal(request: Any) -> RedirectResponse:
            if redirect is None:
                raise HTTPException(status_code=status_code)
            query = urlencode({"next": str(request.url)})
            return RedirectResponse(f"{request.url_for(redirect)}?{query}", status_code=303)

        # Partials and objects with an async __call__ count as async, as routing sees them.
        is_async = is_async_callable(func)
        if kind == "websocket":
            if not is_async:
                name = getattr(func, "__qualname__", repr(func))
                raise TypeError(f"WebSocket endpoint {name} must be async")
            async_ws = cast("Callable[..., Awaitable[None]]", func)

            @functools.wraps(func)
            async def ws_wrapper(*args: Any, **kwargs: Any) -> None:
                websocket = connection(args, kwargs)
                if not has_required_scope(websocket, needed):
                    await websocket.close(code=WS_1008_POLICY_VIOLATION)
                    return
                await async_ws(*args, **kwargs)

            return ws_wrapper  # type: ignore[return-value]

        if is_async:
            async_func = cast("Callable[..., Awaitable[Any]]", func)

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                request = connection(args, kwargs)
                if not has_required_scope(request, needed):
                    return refusal(request)
                return await async_func(*args, **kwargs)

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(func)
        def sync_wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
            request = connection(args, kwargs)
            if not has_required_scope(request, needed):
                return refusal(request)
            return func(*args, **kwargs)

        return sync_wrapper

    return decorate


__all__ = [
    "AuthCredentials",
    "AuthenticationBackend",
    "BaseUser",
    "SimpleUser",
    "UnauthenticatedUser",
    "has_required_scope",
    "requires",
]
