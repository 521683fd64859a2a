"""Path parameter convertors: how `{name:type}` matches, converts and formats a segment."""

from __future__ import annotations

import math
import uuid
from typing import Any, ClassVar, Generic, TypeVar

from asgi_routing.exceptions import PathParamError

T = TypeVar("T")


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
        value = str(value)
        if "/" in value:
            raise PathParamError(f"May not contain path separators: {value!r}")
        if not value:
            raise PathParamError("Must not be empty")
        return value


class PathConvertor(Convertor[str]):
    regex = ".*"

    def convert(self, value: str) -> str:
        return str(value)

    def to_string(self, value: str) -> str:
        return str(value)


class IntegerConvertor(Convertor[int]):
    regex = "[0-9]+"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        value = int(value)
        if value < 0:
            raise PathParamError(f"Negative integers are not supported: {value}")
        return str(value)


class FloatConvertor(Convertor[float]):
    regex = r"[0-9]+(\.[0-9]+)?"

    def convert(self, value: str) -> float:
        return float(value)

    def to_string(self, value: float) -> str:
        value = float(value)
        if value < 0.0:
            raise PathParamError(f"Negative floats are not supported: {value}")
        if math.isnan(value) or math.isinf(value):
            raise PathParamError(f"NaN and infinity are not supported: {value}")
        return f"{value:0.20f}".rstrip("0").rstrip(".")


class UUIDConvertor(Convertor[uuid.UUID]):
    # With or without the dashes (32 hex digits alone is a UUID too), in either case.
    regex = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"

    def convert(self, value: str) -> uuid.UUID:
        return uuid.UUID(value)

    def to_string(self, value: uuid.UUID) -> str:
        return str(value)


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
