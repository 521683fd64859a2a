"""`App`: the application. A router, a middleware stack built once, and a lifespan.

The stack, from the outside in (built lazily on the first call, then never per request):

    ServerErrorMiddleware   500 handler / debug page; outermost so it sees every error
    ...user middleware, in the order given...
    ExceptionMiddleware     handlers by exception class and status code
    Router                  routes; answers "lifespan" scopes with asgi-lifetime's runner,
                            which runs the mounted apps' lifespans inside the app's own

Lifespan scopes travel the whole stack, as in Starlette: a middleware sees them (and one that
crashes on them, or drops them, fails the startup), and the stack is built by the first scope
a server sends, the lifespan one, so an error building it fails the startup too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from asgi_lifetime import AppTasks
from asgi_middleware import ExceptionMiddleware, Middleware, ServerErrorMiddleware
from asgi_middleware.body_limit import RequestBodyLimitMiddleware
from asgi_protocol.datastructures import State, URLPath
from asgi_protocol.types import ASGIApp, ExceptionHandler, Receive, Scope, Send
from asgi_routing import BaseRoute, Router
from asgi_routing.middleware_stack import middleware_spec, wrap_middleware
from asgi_toolkit.exceptions import AlreadyStarted

ExceptionHandlers = Mapping[Any, ExceptionHandler]


def _body_limit(max_body_size: int | None) -> list[Middleware]:
    """Outside the user middleware, so a body they read is capped too (a route's or a mount's
    own limit takes over further in)."""
    if max_body_size is None:
        return []
    return [Middleware(RequestBodyLimitMiddleware, max_body_size=max_body_size)]


class App:
    """An ASGI application: `App(routes=[...], middleware=[...], lifespan=...)`."""

    # Its router's routes enforce the body limit a Mount above records (asgi_routing._limits).
    applies_body_limits = True

    def __init__(
        self,
        debug: bool = False,
        routes: Sequence[BaseRoute] | None = None,
        middleware: Sequence[Middleware] | None = None,
        exception_handlers: ExceptionHandlers | None = None,
        on_startup: Sequence[Callable[[], Any]] | None = None,
        on_shutdown: Sequence[Callable[[], Any]] | None = None,
        lifespan: Callable[[Any], Any] | None = None,
        max_body_size: int | None = None,
    ) -> None:
        self._debug = debug
        # A missing attribute's message tells whether the lifespan has run (else: `with`).
        self.state = State(lifespan_ran=lambda: self.router.lifespan_runner.started)
        # The router answers the lifespan (the context receives this App: scope["app"]);
        # a lifespan and hooks together are refused there (ValueError).
        self.router = Router(
            routes,
            lifespan=lifespan,
            on_startup=on_startup,
            on_shutdown=on_shutdown,
            max_body_size=max_body_size,
        )
        self.exception_handlers: dict[Any, ExceptionHandler] = dict(exception_handlers or {})
        self.user_middleware: list[Middleware] = list(middleware or [])
        for entry in self.user_middleware:  # a bare class is refused here, not at startup
            middleware_spec(entry)
        # Built on the first call; None means "not started", so the stack can still change.
        self.middleware_stack: ASGIApp | None = None

    def build_middleware_stack(self) -> ASGIApp:
        """Wrap the router in the middleware, outermost first."""
        debug = self.debug
        error_handler: ExceptionHandler | None = None
        handlers: dict[Any, ExceptionHandler] = {}
        for key, handler in self.exception_handlers.items():
            if key in (500, Exception):
                error_handler = handler
            else:
                handlers[key] = handler
        middleware = [
            Middleware(ServerErrorMiddleware, handler=error_handler, debug=debug),
            *_body_limit(self.router.max_body_size),
            *self.user_middleware,
            Middleware(ExceptionMiddleware, handlers=handlers, debug=debug),
        ]
        # The router's own stack, not the router: one coroutine less per request (the router's
        # __call__ only forwards to it).
        return wrap_middleware(self.router.middleware_stack, middleware)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Hot path: two scope writes and one None check; the stack itself was built once.
        scope["app"] = self
        if "router" not in scope:
            scope["router"] = self.router
        stack = self.middleware_stack
        if stack is None:
            stack = self.middleware_stack = self.build_middleware_stack()
        await stack(scope, receive, send)

    @property
    def debug(self) -> bool:
        return self._debug

    @debug.setter
    def debug(self, value: bool) -> None:
        self._debug = value
        if self.middleware_stack is not None:  # already serving: rebuild with the new flag
            self.middleware_stack = self.build_middleware_stack()

    @property
    def routes(self) -> list[BaseRoute]:
        return self.router.routes

    @property
    def max_body_size(self) -> int | None:
        """The request body limit given to the App (Starlette's attribute); the router holds it."""
        return self.router.max_body_size

    @property
    def tasks(self) -> AppTasks:
        """The app-scoped task group of the running lifespan (drained at shutdown)."""
        return self.router.lifespan_runner.tasks

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        return self.router.url_path_for(name, **path_params)

    def _refuse_if_started(self, what: str) -> None:
        if self.middleware_stack is not None:
            raise AlreadyStarted(what)

    def add_middleware(self, middleware_class: Any, *args: Any, **kwargs: Any) -> None:
        """Add a middleware outside those already added (the last added runs first)."""
        self._refuse_if_started("middleware")
        self.user_middleware.insert(0, Middleware(middleware_class, *args, **kwargs))

    def add_exception_handler(
        self, exc_class_or_status_code: int | type[Exception], handler: ExceptionHandler
    ) -> None:
        self._refuse_if_started("exception handlers")
        self.exception_handlers[exc_class_or_status_code] = handler

    def add_route(
        self,
        path: str,
        route: Callable[..., Any],
        methods: Sequence[str] | None = None,
        name: str | None = None,
        include_in_schema: bool = True,
    ) -> None:
        self.router.add_route(
            path, route, methods=methods, name=name, include_in_schema=include_in_schema
        )

    def add_websocket_route(
        self, path: str, route: Callable[..., Any], name: str | None = None
    ) -> None:
        self.router.add_websocket_route(path, route, name=name)

    def mount(
        self, path: str, app: ASGIApp, name: str | None = None, *, run_lifespan: bool = True
    ) -> None:
        self.router.mount(path, app=app, name=name, run_lifespan=run_lifespan)

    def host(
        self, host: str, app: ASGIApp, name: str | None = None, *, run_lifespan: bool = True
    ) -> None:
        self.router.host(host, app=app, name=name, run_lifespan=run_lifespan)


__all__ = ["App"]
