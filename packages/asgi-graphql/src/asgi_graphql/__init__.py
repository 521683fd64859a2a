"""GraphQLApp for graphene 3, with GraphiQL and graphql-transport-ws subscriptions."""

__all__: list[str] = []
