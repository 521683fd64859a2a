"""Responses: text, HTML, JSON, redirects, streaming, files with ranges, server-sent events."""

from asgi_responses._base import Response
from asgi_responses._file import FileResponse, content_disposition
from asgi_responses._ranges import RangeNotSatisfiable, parse_range
from asgi_responses._redirect import RedirectResponse
from asgi_responses._sse import EventSourceResponse, ServerSentEvent
from asgi_responses._streaming import StreamingResponse
from asgi_responses._text import (
    HTMLResponse,
    JSONResponse,
    ORJSONResponse,
    PlainTextResponse,
    UJSONResponse,
)

__all__ = [
    "EventSourceResponse",
    "FileResponse",
    "HTMLResponse",
    "JSONResponse",
    "ORJSONResponse",
    "PlainTextResponse",
    "RangeNotSatisfiable",
    "RedirectResponse",
    "Response",
    "ServerSentEvent",
    "StreamingResponse",
    "UJSONResponse",
    "content_disposition",
    "parse_range",
]
