"""What the sibling packages take from asgi-responses: not public API, outside `__all__`.

One home for rules that several packages answer by, so they can't drift apart:
- `NO_BODY_STATUS`: the statuses whose responses carry no body (RFC 9110 15.3.5, 15.4.5);
- `http_exception_response(exc)`: the default answer to an HTTPException, used by the
  exception middleware (asgi-middleware) and by routers answering outside an App
  (asgi-routing).
"""

from __future__ import annotations

from asgi_protocol.exceptions import HTTPException
from asgi_responses._base import NO_BODY_STATUS, Response
from asgi_responses._text import PlainTextResponse


def http_exception_response(exc: HTTPException) -> Response:
    """Its detail as plain text, with its status and headers; no body where none is allowed."""
    if exc.status_code in NO_BODY_STATUS:
        return Response(status_code=exc.status_code, headers=exc.headers)
    return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)


__all__: list[str] = []  # nothing here is public API
