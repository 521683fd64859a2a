"""The exceptions asgi-responses raises."""

from __future__ import annotations

import inspect

from asgi_responses._base import Response


class RangeNotSatisfiable(Exception):
    """No requested range overlaps the file: answered with 416 and `Content-Range: bytes */size`."""


class MalformedRangeHeader(ValueError):
    """The Range header can't be honoured as written: answered with 400 and this reason."""


class TemplatesConfigError(ValueError, AssertionError):
    """Jinja2Templates got both or neither of `directory` and `env`.

    A ValueError for us; an AssertionError too, because Starlette asserts there and code written
    for it catches that.
    """


class NotAResponse(TypeError):
    """An endpoint, exception handler or `dispatch` returned something that is not a Response.

    Raised where the value was about to be sent as one, so a good answer never pays for the
    check; the message names who returned what, and what to return instead. A TypeError, which
    is what calling a dict or None raises.
    """

    def __init__(self, returned_by: str, value: object, *, fix: str | None = None) -> None:
        self.returned_by = returned_by
        self.value = value
        if inspect.iscoroutine(value):
            value.close()  # nobody will await it: no "never awaited" warning on top of this
        super().__init__(
            f"{returned_by} returned {_described(value)}, not a Response: {fix or _fix(value)}"
        )

    @staticmethod
    def explains(value: object) -> bool:
        """Whether sending `value` failed because it is no response at all.

        Anything callable may be an ASGI app, so only what cannot be called, or a Response
        class where an instance belongs, counts: an error raised inside a real response is
        that response's own.
        """
        return not callable(value) or (isinstance(value, type) and issubclass(value, Response))


def _described(value: object) -> str:
    if value is None:
        return "None"
    if inspect.iscoroutine(value):
        return "a coroutine that was never awaited"
    if isinstance(value, type):
        return f"the class {value.__name__}"
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiouAEIOU' else 'a'} {name}"


def _fix(value: object) -> str:
    if value is None:
        return 'did you forget `return`? Return one, such as `PlainTextResponse("...")`'
    if inspect.iscoroutine(value):
        return "`await` the call that made it (in a sync function: make it `async def` first)"
    if isinstance(value, type):
        return f"create one: `return {value.__name__}(...)`"
    if isinstance(value, (dict, list)):
        return "wrap it to send it as JSON: `return JSONResponse(...)`"
    if isinstance(value, str):
        return "wrap it: `return PlainTextResponse(...)`, or `HTMLResponse(...)` for a page"
    if isinstance(value, (bytes, bytearray)):
        return "wrap it: `return Response(content, media_type=...)`"
    return "return a Response (or any ASGI app called as `app(scope, receive, send)`)"


class NotJSONSerializable(TypeError):
    """JSONResponse content holds a value the JSON encoder has no rule for (a datetime, a set).

    A TypeError, as the encoder's own; the message adds how to convert the usual suspects.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"JSONResponse cannot encode its content: {reason}. Convert the value before "
            "building the response (a datetime with .isoformat(), a set or tuple with list(), a "
            "dataclass with dataclasses.asdict(), a UUID or Decimal with str()), or subclass "
            "JSONResponse and override render()"
        )


__all__ = [
    "MalformedRangeHeader",
    "NotAResponse",
    "NotJSONSerializable",
    "RangeNotSatisfiable",
    "TemplatesConfigError",
]
