"""The parse -> validate -> execute pipeline shared by HTTP and WebSocket requests.

Everything that does not depend on the request is built once here: the validation rules (with
the size limits, and without introspection when it is off), the middleware chain, and an LRU
cache of parsed-and-validated documents so a client repeating the same query skips parsing and
validation (hot path). Every error leaving here has been through ClientErrors.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from functools import lru_cache
from typing import Any, cast

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    MiddlewareManager,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    assert_valid_schema,
    execute,
    get_operation_ast,
    parse,
    specified_rules,
    subscribe,
    validate,
)

from asgi_graphql._errors import ClientErrors
from asgi_graphql._limits import QUERY_TOO_LONG, operation_limits_rule
from asgi_graphql._threads import ThreadedResolverMiddleware

DOCUMENT_CACHE_SIZE = 256


class Executor:
    """Runs GraphQL documents against one schema with the app's limits and middleware."""

    def __init__(
        self,
        schema: Any,
        *,
        max_query_length: int | None,
        max_depth: int | None,
        max_fields: int | None = None,
        max_aliases: int | None = None,
        introspection: bool = True,
        debug: bool = False,
        middleware: Sequence[Any] | None,
        run_sync_resolvers_in_thread: bool,
    ) -> None:
        graphql_schema = getattr(schema, "graphql_schema", schema)
        if not isinstance(graphql_schema, GraphQLSchema):
            raise TypeError("GraphQLApp needs a graphene.Schema or a graphql.GraphQLSchema")
        assert_valid_schema(graphql_schema)
        self.schema = graphql_schema
        self.max_query_length = max_query_length
        rules = list(specified_rules)
        if max_depth is not None or max_fields is not None or max_aliases is not None:
            rules.append(
                operation_limits_rule(
                    max_depth=max_depth, max_fields=max_fields, max_aliases=max_aliases
                )
            )
        if not introspection:
            rules.append(NoSchemaIntrospectionCustomRule)
        self.rules = tuple(rules)
        self.client_errors = ClientErrors(debug=debug, introspection=introspection)
        chain: list[Any] = [ThreadedResolverMiddleware()] if run_sync_resolvers_in_thread else []
        chain.extend(middleware or ())
        self.middleware = MiddlewareManager(*chain) if chain else None
        self.prepare = lru_cache(maxsize=DOCUMENT_CACHE_SIZE)(self._prepare)

    def _prepare(self, query: str) -> DocumentNode | list[GraphQLError]:
        """The validated document, or the errors that make it unrunnable."""
        if self.max_query_length is not None and len(query) > self.max_query_length:
            return [GraphQLError(QUERY_TOO_LONG)]
        try:
            document = parse(query)
        except GraphQLError as error:
            return [error]
        errors = validate(self.schema, document, self.rules)
        return self.client_errors(errors) if errors else document

    @staticmethod
    def operation(
        document: DocumentNode, operation_name: str | None
    ) -> OperationDefinitionNode | GraphQLError:
        """The operation to run, or why none can be picked."""
        operation = get_operation_ast(document, operation_name)
        if operation is not None:
            return operation
        if operation_name:
            return GraphQLError(f"Unknown operation named '{operation_name}'.")
        return GraphQLError("Must provide operation name if query contains multiple operations.")

    async def execute(
        self,
        document: DocumentNode,
        *,
        root_value: Any,
        context_value: Any,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> ExecutionResult:
        """Run a query or mutation; async resolvers run on the loop, sync ones per middleware."""
        result = execute(
            self.schema,
            document,
            root_value=root_value,
            context_value=context_value,
            variable_values=variables,
            operation_name=operation_name,
            middleware=self.middleware,
        )
        if inspect.isawaitable(result):
            result = await result
        return self.client_errors.result(result)

    async def subscribe(
        self,
        document: DocumentNode,
        *,
        root_value: Any,
        context_value: Any,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> AsyncGenerator[ExecutionResult, None] | ExecutionResult:
        """Start a subscription: a stream of results, or one result holding its errors."""
        result: AsyncIterator[ExecutionResult] | ExecutionResult = await subscribe(
            self.schema,
            document,
            root_value=root_value,
            context_value=context_value,
            variable_values=variables,
            operation_name=operation_name,
        )
        if isinstance(result, ExecutionResult):
            return self.client_errors.result(result)
        return self._client_stream(result)

    async def _client_stream(
        self, stream: AsyncIterator[ExecutionResult]
    ) -> AsyncGenerator[ExecutionResult, None]:
        try:
            async for result in stream:
                yield self.client_errors.result(result)
        finally:
            # Closing this stream closes graphql-core's (its subscribe() streams all have
            # aclose()), whose cleanup runs the source generator's finally blocks.
            await cast(Any, stream).aclose()


__all__ = ["DOCUMENT_CACHE_SIZE", "Executor"]
