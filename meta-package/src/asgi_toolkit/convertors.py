"""Path parameter convertors (asgi_routing.convertors)."""

from asgi_routing.convertors import (
    CONVERTOR_TYPES,
    Convertor,
    FloatConvertor,
    IntegerConvertor,
    PathConvertor,
    PathParamError,
    StringConvertor,
    UUIDConvertor,
    register_url_convertor,
)

__all__ = [
    "CONVERTOR_TYPES",
    "Convertor",
    "FloatConvertor",
    "IntegerConvertor",
    "PathConvertor",
    "PathParamError",
    "StringConvertor",
    "UUIDConvertor",
    "register_url_convertor",
]
