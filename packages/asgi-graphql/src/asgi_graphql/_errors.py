"""What a client is told of errors: its own mistakes in full, the server's in two words.

- A GraphQLError (syntax, validation, variables, or one a resolver raised on purpose) keeps its
  message: it is written for the client.
- Any other exception a resolver, an event source or the context factory raised is a bug or
  an outage. Its text may hold SQL, paths or secrets, so the client reads "Internal server
  error" (with the error's locations and path) and the exception goes to the "asgi_graphql"
  logger with its traceback. `debug=True` sends the real message too.
- With introspection off, "Did you mean ...?" suggestions are dropped from messages: they would
  spell the schema out one guess at a time (graphql-core 3.2 can only leave them out from
  3.2.14 on, hence the rewrite here).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from graphql import ExecutionResult, GraphQLError

INTERNAL_ERROR = "Internal server error"
logger = logging.getLogger("asgi_graphql")
# graphql-core's did_you_mean() appends this to the end of a message; names can't contain it.
_SUGGESTION = re.compile(r" Did you mean .*\?\Z", re.DOTALL)


def is_unexpected(error: GraphQLError) -> bool:
    """True for an exception a field's resolver raised that was not a GraphQLError.

    Only errors with a path come from running a field: a custom scalar refusing a variable
    (a ValueError, say) is the client's mistake and its message stays.
    """
    original = error.original_error
    return (
        error.path is not None and original is not None and not isinstance(original, GraphQLError)
    )


class ClientErrors:
    """Rewrites errors for the client as the app's `debug` and `introspection` say."""

    def __init__(self, *, debug: bool, introspection: bool) -> None:
        self.debug = debug
        self.suggestions = introspection

    def __call__(self, errors: Iterable[GraphQLError]) -> list[GraphQLError]:
        return [self.error(error) for error in errors]

    def error(self, error: GraphQLError, *, unexpected: bool = False) -> GraphQLError:
        message = error.message
        if unexpected or is_unexpected(error):
            logger.error(
                "GraphQL resolver error at %s: %s",
                ".".join(map(str, error.path or ())) or "(operation)",
                message,
                exc_info=error.original_error,
            )
            if not self.debug:
                message = INTERNAL_ERROR
        if not self.suggestions:
            message = _SUGGESTION.sub("", message)
        if message == error.message:
            return error
        return GraphQLError(
            message,
            error.nodes,
            error.source,
            error.positions,
            error.path,
            error.original_error,
            error.extensions,
        )

    def unexpected(self, exc: Exception) -> GraphQLError:
        """The error for an exception outside any resolver (a context factory, a stream)."""
        return self.error(GraphQLError(str(exc), original_error=exc), unexpected=True)

    def result(self, result: ExecutionResult) -> ExecutionResult:
        if not result.errors:
            return result
        return ExecutionResult(result.data, self(result.errors), result.extensions)


__all__ = ["INTERNAL_ERROR", "ClientErrors", "is_unexpected", "logger"]
