"""Text and JSON responses."""

from __future__ import annotations

import json
from typing import Any

from asgi_responses._base import Response
from asgi_responses.exceptions import NotJSONSerializable


class PlainTextResponse(Response):
    media_type = "text/plain"


class HTMLResponse(Response):
    media_type = "text/html"


# One encoder for the process: json.dumps with options builds a new one per call.
# allow_nan=False: NaN and Infinity are not JSON, so they fail loudly instead of breaking clients.
_encode = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
).encode


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        try:
            return _encode(content).encode("utf-8")
        except TypeError as exc:  # a value without a JSON form; the try costs nothing otherwise
            raise NotJSONSerializable(str(exc)) from exc


class UJSONResponse(JSONResponse):
    """JSON through ujson (the `[ujson]` extra)."""

    def render(self, content: Any) -> bytes:
        try:
            import ujson
        except ImportError:
            raise RuntimeError(
                "UJSONResponse needs ujson: pip install 'asgi-responses[ujson]'"
            ) from None
        return ujson.dumps(content, ensure_ascii=False).encode("utf-8")


class ORJSONResponse(JSONResponse):
    """JSON through orjson (the `[orjson]` extra)."""

    def render(self, content: Any) -> bytes:
        try:
            import orjson
        except ImportError:
            raise RuntimeError(
                "ORJSONResponse needs orjson: pip install 'asgi-responses[orjson]'"
            ) from None
        return orjson.dumps(content)
