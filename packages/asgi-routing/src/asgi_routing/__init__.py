"""Router, Route, Mount, Host, WebSocketRoute, convertors and endpoints."""

from asgi_protocol.paths import get_route_path
from asgi_routing._utils import get_name
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
from asgi_routing.endpoints import HTTPEndpoint, WebSocketEndpoint
from asgi_routing.exceptions import (
    InvalidEndpoint,
    InvalidMethods,
    InvalidMiddleware,
    NoMatchFound,
)
from asgi_routing.patterns import compile_path
from asgi_routing.router import Host, Mount, Router
from asgi_routing.routes import BaseRoute, Match, Route, WebSocketRoute, replace_params
from asgi_routing.wrappers import RoutedRequest, request_response, websocket_session

__version__ = "0.1.0"

__all__ = [
    "CONVERTOR_TYPES",
    "BaseRoute",
    "Convertor",
    "FloatConvertor",
    "HTTPEndpoint",
    "Host",
    "IntegerConvertor",
    "InvalidEndpoint",
    "InvalidMethods",
    "InvalidMiddleware",
    "Match",
    "Mount",
    "NoMatchFound",
    "PathConvertor",
    "PathParamError",
    "Route",
    "RoutedRequest",
    "Router",
    "StringConvertor",
    "UUIDConvertor",
    "WebSocketEndpoint",
    "WebSocketRoute",
    "compile_path",
    "get_name",
    "get_route_path",
    "register_url_convertor",
    "replace_params",
    "request_response",
    "websocket_session",
]
