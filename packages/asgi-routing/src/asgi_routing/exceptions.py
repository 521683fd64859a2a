"""Public exceptions of the routing package."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


class NoMatchFound(Exception):
    """`url_path_for` found no route with this name and these parameters.

    When a route of that name exists, the message also lists the parameters that were missing
    or not expected, which is usually the actual mistake.
    """

    def __init__(
        self,
        name: str,
        path_params: Mapping[str, Any],
        *,
        missing: Iterable[str] = (),
        extra: Iterable[str] = (),
    ) -> None:
        self.name = name
        self.path_params = dict(path_params)
        self.missing = sorted(missing)
        self.extra = sorted(extra)
        params = ", ".join(sorted(self.path_params))
        # Starlette's wording and quoting, which code and tests match on.
        message = f'No route exists for name "{name}" and params "{params}".'
        if self.missing:
            message += f" Missing params: {', '.join(self.missing)}."
        if self.extra:
            message += f" Unexpected params: {', '.join(self.extra)}."
        super().__init__(message)

    @property
    def name_found(self) -> bool:
        """A route with this name exists (only the parameters were wrong)."""
        return bool(self.missing or self.extra)


class PathParamError(ValueError, AssertionError):
    """A value its convertor cannot write into a url (a "/" in a `str` param, a negative int).

    Also an AssertionError, because that is what Starlette's convertors raise: code written
    against them keeps catching it.
    """


class UnsupportedData(RuntimeError):
    """A message did not decode as the endpoint's `encoding` says.

    The connection is closed with 1003 first; a RuntimeError, as Starlette raises there.
    """


__all__ = [
    "NoMatchFound",
    "PathParamError",
    "UnsupportedData",
]
