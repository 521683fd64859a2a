"""ASGI types, status codes, exceptions, datastructures, concurrency helpers, config, JSON input.

The base of asgi-toolkit, with no third-party dependency: every other package builds on it.
"""

from asgi_protocol import status
from asgi_protocol.concurrency import (
    iterate_in_threadpool,
    run_in_threadpool,
    run_until_first_complete,
)
from asgi_protocol.config import Config, Environ, EnvironError
from asgi_protocol.datastructures import (
    URL,
    Address,
    CommaSeparatedStrings,
    FormData,
    Headers,
    ImmutableMultiDict,
    MultiDict,
    MutableHeaders,
    QueryParams,
    Secret,
    State,
    UploadFile,
    URLPath,
)
from asgi_protocol.exceptions import HTTPException, WebSocketDisconnect, WebSocketException
from asgi_protocol.jsontext import InvalidJSON, decode_json
from asgi_protocol.paths import get_route_path
from asgi_protocol.types import (
    ASGIApp,
    ExceptionHandler,
    Lifespan,
    Message,
    Receive,
    Scope,
    Send,
    StatefulLifespan,
    StatelessLifespan,
)

__version__ = "0.1.0"

__all__ = [
    "URL",
    "ASGIApp",
    "Address",
    "CommaSeparatedStrings",
    "Config",
    "Environ",
    "EnvironError",
    "ExceptionHandler",
    "FormData",
    "HTTPException",
    "Headers",
    "ImmutableMultiDict",
    "InvalidJSON",
    "Lifespan",
    "Message",
    "MultiDict",
    "MutableHeaders",
    "QueryParams",
    "Receive",
    "Scope",
    "Secret",
    "Send",
    "State",
    "StatefulLifespan",
    "StatelessLifespan",
    "URLPath",
    "UploadFile",
    "WebSocketDisconnect",
    "WebSocketException",
    "decode_json",
    "get_route_path",
    "iterate_in_threadpool",
    "run_in_threadpool",
    "run_until_first_complete",
    "status",
]
