"""OpenAPI schemas from endpoint docstrings (asgi-routing, with its `[schemas]` extra)."""

from asgi_routing.schemas import (
    BaseSchemaGenerator,
    EndpointInfo,
    OpenAPIResponse,
    SchemaGenerator,
)

__all__ = [
    "BaseSchemaGenerator",
    "EndpointInfo",
    "OpenAPIResponse",
    "SchemaGenerator",
]
