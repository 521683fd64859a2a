"""OpenAPI schemas from the routes: each endpoint's docstring, after `---`, is its YAML.

Walks Routes, Mounts and Hosts, class endpoints method by method, and gathers what each
docstring declares under `paths`. YAML is the `[schemas]` extra (pyyaml), imported on first use,
so this module imports without it.
"""

from __future__ import annotations

import copy
import inspect
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from asgi_responses import Response
from asgi_routing.router import Host, Mount
from asgi_routing.routes import BaseRoute, Route

# `{id:int}` -> `{id}`: OpenAPI has no convertors.
_CONVERTOR = re.compile(r"{([^:{}]+):[^{}]*}")
# The HTTP methods a class endpoint may define, in the order a schema lists them.
_CLASS_METHODS = ("get", "post", "put", "patch", "delete", "options", "query")
# `3.2`, `3.2.0`, `3.10.1`: the major and minor version of an `openapi` field.
_OPENAPI_VERSION = re.compile(r"(\d+)\.(\d+)")


def _yaml() -> Any:
    try:
        import yaml
    except ImportError:
        raise RuntimeError(
            "OpenAPI schemas need pyyaml: pip install 'asgi-routing[schemas]'"
        ) from None
    return yaml


class EndpointInfo(NamedTuple):
    path: str
    http_method: str
    func: Callable[..., Any]


class OpenAPIResponse(Response):
    """The schema as YAML, with OpenAPI's media type."""

    media_type = "application/vnd.oai.openapi"

    def render(self, content: Any) -> bytes:
        if not isinstance(content, Mapping):
            raise TypeError(f"OpenAPIResponse renders a mapping, not {type(content).__name__}")
        # Keys sorted, as Starlette serves its schema (clients and snapshot tests compare text).
        text: str = _yaml().dump(dict(content), default_flow_style=False, sort_keys=True)
        return text.encode("utf-8")


class BaseSchemaGenerator:
    """Finds the endpoints; subclasses decide what schema they make of them."""

    def get_schema(self, routes: Sequence[BaseRoute]) -> dict[str, Any]:
        raise NotImplementedError()

    def get_endpoints(self, routes: Iterable[BaseRoute], prefix: str = "") -> list[EndpointInfo]:
        found: list[EndpointInfo] = []
        for route in routes:
            if isinstance(route, Mount):
                found += self.get_endpoints(
                    route.routes, prefix + _CONVERTOR.sub(r"{\1}", route.path)
                )
            elif isinstance(route, Host):
                found += self.get_endpoints(route.routes, prefix)
            elif isinstance(route, Route) and route.include_in_schema:
                path = prefix + _CONVERTOR.sub(r"{\1}", route.path)
                found += self._route_endpoints(path, route)
        return found

    def _route_endpoints(self, path: str, route: Route) -> list[EndpointInfo]:
        endpoint = route.endpoint
        if inspect.isclass(endpoint):
            return [
                EndpointInfo(path, method, getattr(endpoint, method))
                for method in _CLASS_METHODS
                if hasattr(endpoint, method)
            ]
        methods = sorted(m.lower() for m in route.methods or () if m != "HEAD")
        return [EndpointInfo(path, method, endpoint) for method in methods]

    def parse_docstring(self, func_or_method: Callable[..., Any]) -> dict[str, Any]:
        """The YAML after the last `---` of the docstring (all of it without one); {} if none."""
        docstring = inspect.getdoc(func_or_method)
        if not docstring:
            return {}
        parsed = _yaml().safe_load(docstring.split("---")[-1])
        return parsed if isinstance(parsed, dict) else {}

    def OpenAPIResponse(self, request: Any) -> Response:  # noqa: N802 - Starlette's name
        """The schema of the app serving `request`, as a response (mount it on a route)."""
        return OpenAPIResponse(self.get_schema(routes=request.app.routes))


def supports_query(openapi: Any) -> bool:
    """Whether an `openapi` version has the QUERY method (3.2 and later)."""
    found = _OPENAPI_VERSION.match(str(openapi))
    return found is not None and (int(found[1]), int(found[2])) >= (3, 2)


class SchemaGenerator(BaseSchemaGenerator):
    """`base_schema` (openapi, info, ...) plus `paths` gathered from the docstrings.

    QUERY operations are listed only when `openapi` is 3.2 or later, the first to know them.
    """

    def __init__(self, base_schema: Mapping[str, Any]) -> None:
        self.base_schema = base_schema

    def get_schema(self, routes: Sequence[BaseRoute]) -> dict[str, Any]:
        schema = copy.deepcopy(dict(self.base_schema))  # the base stays as it was given
        paths: dict[str, Any] = schema.get("paths", {})
        with_query = supports_query(schema.get("openapi", ""))
        for endpoint in self.get_endpoints(routes):
            if endpoint.http_method == "query" and not with_query:
                continue
            operation = self.parse_docstring(endpoint.func)
            if operation:
                paths.setdefault(endpoint.path, {})[endpoint.http_method] = operation
        schema["paths"] = paths
        return schema


__all__ = [
    "BaseSchemaGenerator",
    "EndpointInfo",
    "OpenAPIResponse",
    "SchemaGenerator",
    "supports_query",
]
