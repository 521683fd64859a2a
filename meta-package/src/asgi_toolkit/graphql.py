"""GraphQLApp for graphene (asgi-graphql)."""

from asgi_graphql import (
    GraphQLApp,
)

__all__ = [
    "GraphQLApp",
]
