"""The exceptions asgi-responses raises."""

from __future__ import annotations


class RangeNotSatisfiable(Exception):
    """No requested range overlaps the file: answered with 416 and `Content-Range: bytes */size`."""


class MalformedRangeHeader(ValueError):
    """The Range header can't be honoured as written: answered with 400 and this reason."""


class TemplatesConfigError(ValueError, AssertionError):
    """Jinja2Templates got both or neither of `directory` and `env`.

    A ValueError for us; an AssertionError too, because Starlette asserts there and code written
    for it catches that.
    """


__all__ = [
    "MalformedRangeHeader",
    "RangeNotSatisfiable",
    "TemplatesConfigError",
]
