"""URL, headers, query params, forms and friends (asgi_protocol.datastructures)."""

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

__all__ = [
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
]
