"""Reading a GraphQL request out of HTTP: GET query string, JSON, application/graphql, forms.

Everything the client can get wrong here raises `GraphQLRequestError` with a status and a short
message; the app turns it into `{"errors": [{"message": ...}]}`.

Cross-site request forgery: a page on any site can make a browser POST a form (urlencoded,
multipart or text/plain) with the user's cookies, without asking the server first. So those
media types are refused unless the app opts in (`allow_form_posts`), and even then a form post
must carry one of PREFLIGHT_HEADERS: a header a browser only sends cross-site after a CORS
preflight that the server allowed. JSON and application/graphql always need that preflight.
GET runs queries only (the app refuses anything else over GET).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from asgi_protocol.exceptions import HTTPException
from asgi_protocol.jsontext import InvalidJSON, decode_json
from asgi_requests import Request

FORM_MEDIA_TYPES = frozenset(("application/x-www-form-urlencoded", "multipart/form-data"))
# The names graphql clients use (GraphQL-over-HTTP, Apollo, jQuery and most libraries).
PREFLIGHT_HEADERS = (
    "graphql-require-preflight",
    "apollo-require-preflight",
    "x-apollo-operation-name",
    "x-requested-with",
)


class GraphQLRequestError(HTTPException):
    """A GraphQL HTTP request that cannot be run (bad body, missing query, wrong method...)."""


@dataclass(frozen=True, slots=True)
class GraphQLParams:
    """What to run: the query text, its variables and the operation to pick."""

    query: str
    variables: dict[str, Any] | None = None
    operation_name: str | None = None


def _media_type(request: Request) -> str:
    content_type: str = request.headers.get("content-type", "")
    return content_type.split(";", 1)[0].strip().lower()


def _variables(raw: Any) -> dict[str, Any] | None:
    """Variables given as an object, a JSON string of one, or nothing."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        try:
            raw = decode_json(raw)
        except InvalidJSON as exc:
            raise GraphQLRequestError(400, f"Variables are not valid JSON: {exc.reason}") from None
        if raw is None:
            return None
    if not isinstance(raw, dict):
        raise GraphQLRequestError(400, "Variables must be a JSON object")
    return raw


def _params(data: Any) -> GraphQLParams:
    """Pick query/variables/operationName out of a mapping (query string, JSON or form)."""
    query = data.get("query")
    if query is None or query == "":
        raise GraphQLRequestError(400, "No GraphQL query found in the request")
    if not isinstance(query, str):
        raise GraphQLRequestError(400, "The query must be a string")
    operation_name = data.get("operationName") or None
    if operation_name is not None and not isinstance(operation_name, str):
        raise GraphQLRequestError(400, "operationName must be a string")
    return GraphQLParams(query, _variables(data.get("variables")), operation_name)


async def read_params(request: Request, *, allow_form_posts: bool = False) -> GraphQLParams:
    """The GraphQL parameters of a GET or POST request."""
    if request.method == "GET":
        return _params(request.query_params)
    media_type = _media_type(request)
    if media_type == "application/json" or media_type.endswith("+json"):
        body = await request.body()
        try:
            data = decode_json(body)
        except InvalidJSON as exc:
            raise GraphQLRequestError(
                400, f"Request body is not valid JSON: {exc.reason}"
            ) from None
        if isinstance(data, list):
            raise GraphQLRequestError(400, "Batched queries are not supported")
        if not isinstance(data, dict):
            raise GraphQLRequestError(400, "Request body must be a JSON object")
        return _params(data)
    if media_type == "application/graphql":
        body = await request.body()
        try:
            query = body.decode("utf-8")
        except UnicodeDecodeError:
            raise GraphQLRequestError(400, "Request body is not valid UTF-8") from None
        return _params({**request.query_params, "query": query})
    if media_type in FORM_MEDIA_TYPES:
        if not allow_form_posts:
            raise GraphQLRequestError(
                415, "Form posts are refused (any site can send one): send application/json"
            )
        if not any(name in request.headers for name in PREFLIGHT_HEADERS):
            raise GraphQLRequestError(
                400,
                "A form post needs a GraphQL-Require-Preflight or X-Requested-With header "
                "(any site can send a form)",
            )
        form = await request.form()
        return _params(form)
    raise GraphQLRequestError(
        415, "Unsupported Media Type: send application/json or application/graphql"
    )


__all__ = [
    "FORM_MEDIA_TYPES",
    "PREFLIGHT_HEADERS",
    "GraphQLParams",
    "GraphQLRequestError",
    "read_params",
]
