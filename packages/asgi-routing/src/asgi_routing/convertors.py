"""Path parameter convertors: how `{name:type}` matches, converts and formats a segment."""

from __future__ import annotations

import math
import re
import uuid
from typing import Any, ClassVar, Generic, TypeVar

from asgi_routing.exceptions import PathParamError

T = TypeVar("T")
N = TypeVar("N", int, float)


class Convertor(Generic[T]):
    """One parameter type: a regex for matching, `convert` for reading, `to_string` for urls."""

    regex: ClassVar[str] = ""

    def convert(self, value: str) -> T:
        raise NotImplementedError()  # pragma: no cover

    def to_string(self, value: T) -> str:
        raise NotImplementedError()  # pragma: no cover


class StringConvertor(Convertor[str]):
    regex = "[^/]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        value = _not_none(value)
        if "/" in value:
            raise PathParamError(
                f"may not contain a path separator ('/'; use {{name:path}}), got {value!r}"
            )
        if not value:
            raise PathParamError("must not be empty")
        return value


class PathConvertor(Convertor[str]):
    regex = ".*"

    def convert(self, value: str) -> str:
        return str(value)

    def to_string(self, value: str) -> str:
        return _not_none(value)


class IntegerConvertor(Convertor[int]):
    regex = "[0-9]+"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        value = _number(int, value, "an int")
        if value < 0:
            raise PathParamError(f"must not be negative, got {value}")
        return str(value)


class FloatConvertor(Convertor[float]):
    regex = r"[0-9]+(\.[0-9]+)?"

    def convert(self, value: str) -> float:
        return float(value)

    def to_string(self, value: float) -> str:
        value = _number(float, value, "a float")
        if value < 0.0:
            raise PathParamError(f"must not be negative, got {value}")
        if math.isnan(value) or math.isinf(value):
            raise PathParamError(f"must not be NaN or infinity, got {value}")
        return f"{value:0.20f}".rstrip("0").rstrip(".")


class UUIDConvertor(Convertor[uuid.UUID]):
    # With or without the dashes (32 hex digits alone is a UUID too), in either case.
    regex = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"

    def convert(self, value: str) -> uuid.UUID:
        return uuid.UUID(value)

    def to_string(self, value: uuid.UUID) -> str:
        text = str(value)
        if _UUID_TEXT.fullmatch(text) is None:  # else a url this very route would not match
            raise PathParamError(f"must be a UUID, got {value!r}")
        return text


_UUID_TEXT = re.compile(UUIDConvertor.regex)


def _not_none(value: Any) -> str:
    """`str(value)`, except for None: "/users/None" is a url nobody meant to build."""
    if value is None:
        raise PathParamError("must be a str, got None")
    return str(value)


def _number(kind: type[N], value: Any, named: str) -> N:
    """`value` as an int or a float, or PathParamError: a str must spell one, and a number
    must be one exactly (1.5 is no int, where `int()` would quietly write "1")."""
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise PathParamError(f"must be {named}, got {value!r}") from None
    if not isinstance(value, (str, kind)) and number != value:
        raise PathParamError(f"must be {named}, got {value!r}")
    return number


CONVERTOR_TYPES: dict[str, Convertor[Any]] = {
    "str": StringConvertor(),
    "path": PathConvertor(),
    "int": IntegerConvertor(),
    "float": FloatConvertor(),
    "uuid": UUIDConvertor(),
}


def register_url_convertor(key: str, convertor: Convertor[Any]) -> None:
    """Make `{name:key}` available in paths compiled after this call."""
    CONVERTOR_TYPES[key] = convertor


__all__ = [
    "CONVERTOR_TYPES",
    "Convertor",
    "FloatConvertor",
    "IntegerConvertor",
    "PathConvertor",
    "PathParamError",
    "StringConvertor",
    "UUIDConvertor",
    "register_url_convertor",
]
