"""GraphQLApp for graphene 3, with GraphiQL and graphql-transport-ws subscriptions."""

from asgi_graphql._app import GraphQLApp
from asgi_graphql._errors import INTERNAL_ERROR
from asgi_graphql._graphiql import GRAPHIQL_ASSETS, GRAPHIQL_HTML, GraphiQLAsset, graphiql_html
from asgi_graphql._http import PREFLIGHT_HEADERS, GraphQLParams, GraphQLRequestError
from asgi_graphql._limits import depth_limit_rule, operation_limits_rule
from asgi_graphql._threads import ThreadedResolverMiddleware
from asgi_graphql._ws import SUBPROTOCOL

__version__ = "0.1.0"

__all__ = [
    "GRAPHIQL_ASSETS",
    "GRAPHIQL_HTML",
    "INTERNAL_ERROR",
    "PREFLIGHT_HEADERS",
    "SUBPROTOCOL",
    "GraphQLApp",
    "GraphQLParams",
    "GraphQLRequestError",
    "GraphiQLAsset",
    "ThreadedResolverMiddleware",
    "depth_limit_rule",
    "graphiql_html",
    "operation_limits_rule",
]
