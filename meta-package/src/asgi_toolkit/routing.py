"""Router and routes (asgi-routing)."""

from asgi_routing import (
    BaseRoute,
    Host,
    InvalidMiddleware,
    Match,
    Mount,
    NoMatchFound,
    Route,
    Router,
    WebSocketRoute,
    compile_path,
    get_name,
    get_route_path,
    replace_params,
    request_response,
    websocket_session,
)

__all__ = [
    "BaseRoute",
    "Host",
    "InvalidMiddleware",
    "Match",
    "Mount",
    "NoMatchFound",
    "Route",
    "Router",
    "WebSocketRoute",
    "compile_path",
    "get_name",
    "get_route_path",
    "replace_params",
    "request_response",
    "websocket_session",
]
