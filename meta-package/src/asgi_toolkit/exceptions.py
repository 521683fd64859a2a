"""HTTPException and WebSocketException (asgi_protocol.exceptions), and the App's own error."""

from asgi_protocol.exceptions import (
    HTTPException,
    InvalidHost,
    StateNotSet,
    ToolkitDeprecationWarning,
    WebSocketDisconnect,
    WebSocketException,
)


class AlreadyStarted(RuntimeError):
    """`add_middleware` / `add_exception_handler` once the App's stack is built (it served).

    A RuntimeError with Starlette's wording first, which code matches on; then the fix.
    """

    def __init__(self, what: str) -> None:
        super().__init__(
            f"Cannot add {what} after an application has started: the middleware stack is "
            "built once, at the first request or lifespan. Pass it to App(...) "
            "(middleware=[Middleware(...)], exception_handlers={...}), or add it before the "
            "app serves"
        )


__all__ = [
    "AlreadyStarted",
    "HTTPException",
    "InvalidHost",
    "StateNotSet",
    "ToolkitDeprecationWarning",
    "WebSocketDisconnect",
    "WebSocketException",
]
