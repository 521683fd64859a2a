"""Responses: text, HTML, JSON, redirects, streaming, files with ranges, server-sent events."""

from asgi_responses._base import Response
from asgi_responses._conditional import NOT_MODIFIED_HEADERS, is_not_modified
from asgi_responses._cookies import cookie_header_value
from asgi_responses._disconnect import send_or_client_disconnect
from asgi_responses._file import FileResponse, content_disposition
from asgi_responses._ranges import parse_range
from asgi_responses._redirect import RedirectResponse
from asgi_responses._sse import EventSourceResponse, ServerSentEvent
from asgi_responses._streaming import (
    AsyncContentStream,
    Content,
    ContentStream,
    StreamingResponse,
    SyncContentStream,
)
from asgi_responses._text import (
    HTMLResponse,
    JSONResponse,
    ORJSONResponse,
    PlainTextResponse,
    UJSONResponse,
)
from asgi_responses.exceptions import (
    MalformedRangeHeader,
    NotAResponse,
    NotJSONSerializable,
    RangeNotSatisfiable,
)

__version__ = "0.1.0"

__all__ = [
    "NOT_MODIFIED_HEADERS",
    "AsyncContentStream",
    "Content",
    "ContentStream",
    "EventSourceResponse",
    "FileResponse",
    "HTMLResponse",
    "JSONResponse",
    "MalformedRangeHeader",
    "NotAResponse",
    "NotJSONSerializable",
    "ORJSONResponse",
    "PlainTextResponse",
    "RangeNotSatisfiable",
    "RedirectResponse",
    "Response",
    "ServerSentEvent",
    "StreamingResponse",
    "SyncContentStream",
    "UJSONResponse",
    "content_disposition",
    "cookie_header_value",
    "is_not_modified",
    "parse_range",
    "send_or_client_disconnect",
]
