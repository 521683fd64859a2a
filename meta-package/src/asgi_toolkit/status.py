"""HTTP and WebSocket status codes (every constant of asgi_protocol.status)."""

from typing import TYPE_CHECKING

from asgi_protocol import status as _status
from asgi_protocol.status import *  # noqa: F403 - the whole module is the public API here

__all__ = list(_status.__all__)

if TYPE_CHECKING:
    from asgi_protocol.status import (
        HTTP_413_REQUEST_ENTITY_TOO_LARGE as HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    )
    from asgi_protocol.status import HTTP_414_REQUEST_URI_TOO_LONG as HTTP_414_REQUEST_URI_TOO_LONG
    from asgi_protocol.status import (
        HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE as HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE,
    )
    from asgi_protocol.status import HTTP_422_UNPROCESSABLE_ENTITY as HTTP_422_UNPROCESSABLE_ENTITY
else:

    def __getattr__(name: str) -> int:
        # The old names warn here as in asgi_protocol.status, naming this module when unknown.
        return _status.resolve_deprecated(name, __name__)


def __dir__() -> list[str]:
    return sorted([*__all__, *_status.DEPRECATED_NAMES])
