"""The datastructures every package shares; each lives in a small private module."""

from asgi_protocol._headers import (
    Headers,
    MutableHeaders,
    check_header_bytes,
    encode_header_value,
)
from asgi_protocol._misc import (
    SHUTDOWN_STATE_KEY,
    TASKS_STATE_KEY,
    Address,
    CommaSeparatedStrings,
    Secret,
    State,
)
from asgi_protocol._multidict import ImmutableMultiDict, MultiDict, QueryParams
from asgi_protocol._upload import FormData, UploadFile
from asgi_protocol._url import URL, URLPath

__all__ = [
    "SHUTDOWN_STATE_KEY",
    "TASKS_STATE_KEY",
    "URL",
    "Address",
    "CommaSeparatedStrings",
    "FormData",
    "Headers",
    "ImmutableMultiDict",
    "MultiDict",
    "MutableHeaders",
    "QueryParams",
    "Secret",
    "State",
    "URLPath",
    "UploadFile",
    "check_header_bytes",
    "encode_header_value",
]
