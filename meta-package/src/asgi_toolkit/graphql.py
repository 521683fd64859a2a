"""GraphQLApp for graphene (asgi-graphql, the `graphql` extra)."""

from asgi_toolkit._extras import extra_missing

try:
    from asgi_graphql import (
        GraphQLApp,
    )
except ModuleNotFoundError as error:  # the extra isn't installed
    raise extra_missing(error, "asgi_graphql", "graphql") from error

__all__ = [
    "GraphQLApp",
]
