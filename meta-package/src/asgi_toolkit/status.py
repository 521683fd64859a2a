"""HTTP and WebSocket status codes (every constant of asgi_protocol.status)."""

from asgi_protocol import status as _status
from asgi_protocol.status import *  # noqa: F403 - the whole module is the public API here

__all__ = list(_status.__all__)
