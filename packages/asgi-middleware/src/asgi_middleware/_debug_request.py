"""What the debug page shows of the failed request: its line, its id (RequestIdMiddleware's,
when one ran inside or outside the page's middleware) and client, then its query parameters,
form fields, cookies and headers, each table masked by the page's Redactor.

The body is never read here: a form shows only when the app parsed it (asgi_requests leaves it
under FORM_SCOPE_KEY), since reading a body for a page could block on a client, or hit a limit
the app set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from asgi_middleware._redact import HIDDEN, Redactor
from asgi_middleware.requestid import REQUEST_ID_SCOPE_KEY
from asgi_protocol.datastructures import FormData, UploadFile
from asgi_requests import FORM_SCOPE_KEY, Request, parse_options_header

FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
FORM_NOT_READ = "sent, but not parsed by the app (the debug page never reads a body)"


@dataclass(frozen=True, slots=True)
class Table:
    """One titled table of (name, value) rows, already masked; `note` stands in for no rows."""

    title: str
    rows: Sequence[tuple[str, str]]
    note: str = ""


@dataclass(frozen=True, slots=True)
class RequestDetails:
    line: str  # "GET http://host/path?query"
    client: str
    tables: Sequence[Table]
    request_id: str | None = None

    @property
    def heading(self) -> str:
        """The line, and the request's id when it has one: what the page's top says."""
        return (
            self.line if self.request_id is None else f"{self.line} (request id {self.request_id})"
        )


def _field(value: str | UploadFile) -> str:
    if isinstance(value, str):
        return value
    size = "unknown size" if value.size is None else f"{value.size} bytes"
    return f"file {value.filename!r}, {value.content_type or 'no content type'}, {size}"


def _form_table(request: Request, redactor: Redactor) -> Table | None:
    form = request.scope.get(FORM_SCOPE_KEY)
    if isinstance(form, FormData):
        rows = [(name, _field(value)) for name, value in form.multi_items()]
        return Table("Form fields", redactor.rows(rows))
    content_type, _ = parse_options_header(request.headers.get("content-type", ""))
    if content_type in FORM_TYPES:
        return Table("Form fields", [], FORM_NOT_READ)
    return None


def request_details(request: Request, redactor: Redactor) -> RequestDetails:
    """The request as the page shows it. Building it teaches `redactor` the request's secrets
    (credential headers, every cookie, secret-named query parameters and form fields), so
    build it before anything of the page is scrubbed."""
    headers = redactor.rows(
        (k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw
    )
    query = redactor.rows(request.query_params.multi_items())
    cookies = request.cookies
    redactor.learn(list(cookies.values()))
    form = _form_table(request, redactor)
    tables = [
        Table("Query parameters", query),
        *([form] if form is not None else []),
        Table("Cookies", [(name, HIDDEN) for name in cookies]),
        Table("Headers", headers),
    ]
    client = request.client
    request_id = request.scope.get(REQUEST_ID_SCOPE_KEY)
    return RequestDetails(
        f"{request.method} {request.url}",
        f"{client.host}:{client.port}" if client else "unknown",
        tables,
        request_id if isinstance(request_id, str) else None,
    )
