"""GraphQLApp: an ASGI app serving a graphene 3 / graphql-core 3 schema over HTTP and WebSocket."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

from graphql import GraphQLError, OperationType

from asgi_graphql._errors import is_unexpected
from asgi_graphql._execute import Executor
from asgi_graphql._graphiql import ASSET_PARAM, OWN_ASSETS, graphiql_html, wants_html
from asgi_graphql._http import read_params
from asgi_graphql._ws import GraphQLTransportWSSession
from asgi_protocol.exceptions import HTTPException
from asgi_protocol.types import Receive, Scope, Send
from asgi_requests import HTTPConnection, Request, limit_receive
from asgi_responses import HTMLResponse, JSONResponse, Response
from asgi_tasks import BackgroundTasks

_ALLOW_ALL = {"Allow": "GET, POST"}
MAX_ASSET_NAME = 40  # of an unknown ?graphiql-asset= name, echoed in the 404
_ALLOW_POST = {"Allow": "POST"}


def _request_error(message: str, status_code: int = 400, headers: Any = None) -> Response:
    return JSONResponse({"errors": [{"message": message}]}, status_code, headers=headers)


def _graphql_errors(errors: Sequence[GraphQLError]) -> Response:
    return JSONResponse({"data": None, "errors": [e.formatted for e in errors]}, 400)


def _graphiql_asset(name: str) -> Response:
    """The GraphiQL page's own start-up script or stylesheet (never cached stale: no-cache)."""
    if name not in OWN_ASSETS:
        shown = name if len(name) <= MAX_ASSET_NAME else name[:MAX_ASSET_NAME] + "…"
        return _request_error(
            f"No GraphiQL asset {shown!r}: there are {', '.join(OWN_ASSETS)}", 404
        )
    body, media_type = OWN_ASSETS[name]
    headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    return Response(body, media_type=media_type, headers=headers)


class GraphQLApp:
    """Serve `schema` (a graphene.Schema or a graphql.GraphQLSchema).

    HTTP: GET ?query= (queries only), POST JSON / application/graphql / forms; GraphiQL for
    browsers when `graphiql`. WebSocket: graphql-transport-ws subscriptions.

    `context_value`: None gives `{"request": request, "background": BackgroundTasks()}` (the
    tasks run after the response); a callable is called as `context_value(request, background)`
    (it may be async); anything else is passed as is. Over WebSocket the request is an
    HTTPConnection, background is None, and the default context also holds
    `"connection_params"` (the connection_init payload).

    `run_sync_resolvers_in_thread` (default True) runs sync resolvers in the threadpool so they
    don't block the loop; async and default (attribute) resolvers stay on the loop.
    `max_query_length`, `max_depth`, `max_fields`, `max_aliases` (per operation, counted
    through fragments) and `max_body_size` (bytes of an HTTP body) bound what clients may send
    (None disables). `introspection=False` refuses __schema and __type and drops "Did you
    mean" hints. `allow_form_posts=True` accepts form POSTs that carry a preflight header (see
    _http). A resolver's exception other than a GraphQLError reaches the client as "Internal
    server error" and is logged, unless `debug`.

    `graphiql_assets`: the URL prefix where the app serves GraphiQL's files itself (see
    _graphiql), instead of loading them from unpkg.
    """

    def __init__(
        self,
        schema: Any,
        graphiql: bool = True,
        context_value: Any = None,
        root_value: Any = None,
        *,
        max_query_length: int | None = 10_000,
        max_depth: int | None = 15,
        max_fields: int | None = 1_000,
        max_aliases: int | None = 15,
        max_body_size: int | None = 1_048_576,
        introspection: bool = True,
        allow_form_posts: bool = False,
        debug: bool = False,
        middleware: Sequence[Any] | None = None,
        run_sync_resolvers_in_thread: bool = True,
        connection_init_wait_timeout: float = 3.0,
        graphiql_assets: str | None = None,
    ) -> None:
        self.schema = schema
        self.graphiql = graphiql
        self.graphiql_assets = graphiql_assets
        self._graphiql_page = graphiql_html(graphiql_assets)  # once, and a bad prefix fails here
        self.context_value = context_value
        self.root_value = root_value
        self.connection_init_wait_timeout = connection_init_wait_timeout
        self.max_body_size = max_body_size
        self.allow_form_posts = allow_form_posts
        self.executor = Executor(
            schema,
            max_query_length=max_query_length,
            max_depth=max_depth,
            max_fields=max_fields,
            max_aliases=max_aliases,
            introspection=introspection,
            debug=debug,
            middleware=middleware,
            run_sync_resolvers_in_thread=run_sync_resolvers_in_thread,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if self.max_body_size is not None:
                # Reading more than this raises BodyTooLarge (413), answered as a request error.
                receive = limit_receive(receive, self.max_body_size)
            response = await self.handle_http(Request(scope, receive))
            await response(scope, receive, send)
        elif scope["type"] == "websocket":
            session = GraphQLTransportWSSession(
                self.executor,
                scope,
                receive,
                send,
                root_value=self.root_value,
                context_factory=self._websocket_context,
                connection_init_wait_timeout=self.connection_init_wait_timeout,
            )
            await session.run()
        else:
            raise RuntimeError(f"GraphQLApp serves HTTP and WebSocket, not {scope['type']!r}")

    async def _context(self, connection: HTTPConnection, background: Any, extra: Any) -> Any:
        if self.context_value is None:
            return {"request": connection, "background": background, **extra}
        if callable(self.context_value):
            context = self.context_value(connection, background)
            if inspect.isawaitable(context):
                context = await context
            return context
        return self.context_value

    async def _websocket_context(self, scope: Scope, connection_params: dict[str, Any]) -> Any:
        extra = {"connection_params": connection_params}
        return await self._context(HTTPConnection(scope), None, extra)

    async def handle_http(self, request: Request) -> Response:
        """The response to one GraphQL HTTP request."""
        method = request.method
        if method not in ("GET", "POST"):
            return _request_error("Method Not Allowed: use GET or POST", 405, _ALLOW_ALL)
        if method == "GET" and self.graphiql and "query" not in request.query_params:
            if ASSET_PARAM in request.query_params:
                return _graphiql_asset(request.query_params[ASSET_PARAM])
            if wants_html(request.headers.get("accept", "")):
                return HTMLResponse(self._graphiql_page)
        try:
            params = await read_params(request, allow_form_posts=self.allow_form_posts)
        except HTTPException as exc:
            # GraphQLRequestError, and the request package's BodyTooLarge / FormError.
            return _request_error(exc.detail, exc.status_code, exc.headers)
        prepared = self.executor.prepare(params.query)
        if isinstance(prepared, list):
            return _graphql_errors(prepared)
        operation = self.executor.operation(prepared, params.operation_name)
        if isinstance(operation, GraphQLError):
            return _graphql_errors([operation])
        kind = operation.operation
        if kind == OperationType.SUBSCRIPTION:
            return _request_error("Subscriptions are served over WebSocket (graphql-transport-ws)")
        if method == "GET" and kind != OperationType.QUERY:
            return _request_error(
                f"Can only perform a {kind.value} operation from a POST request", 405, _ALLOW_POST
            )
        background = BackgroundTasks()
        context = await self._context(request, background, {})
        result = await self.executor.execute(
            prepared,
            root_value=self.root_value,
            context_value=context,
            variables=params.variables,
            operation_name=params.operation_name,
        )
        status_code = 200
        if result.data is None and result.errors:
            # No data at all: bad variables are the client's fault, a resolver's crash ours.
            status_code = 500 if any(map(is_unexpected, result.errors)) else 400
        return JSONResponse(result.formatted, status_code, background=background)


__all__ = ["GraphQLApp"]
