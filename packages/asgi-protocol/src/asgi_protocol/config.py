"""Settings from the environment and an optional .env file, cast and checked at start-up."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import Any, TypeVar, overload

from asgi_protocol.exceptions import EnvironError

T = TypeVar("T")


class Environ(MutableMapping[str, str]):
    """os.environ, guarded: once a key was read, setting or deleting it is an error.

    Tests that tweak the environment after settings were loaded would otherwise pass while
    testing nothing.
    """

    def __init__(self, environ: MutableMapping[str, str] = os.environ) -> None:
        self._environ = environ
        self._has_been_read: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self._has_been_read.add(key)
        return self._environ[key]

    def __setitem__(self, key: str, value: str) -> None:
        if key in self._has_been_read:
            raise EnvironError(
                f"Attempting to set environ['{key}'], but the value has already been read."
            )
        self._environ[key] = value

    def __delitem__(self, key: str) -> None:
        if key in self._has_been_read:
            raise EnvironError(
                f"Attempting to delete environ['{key}'], but the value has already been read."
            )
        del self._environ[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._environ)

    def __len__(self) -> int:
        return len(self._environ)


environ = Environ()


class _Undefined:
    def __repr__(self) -> str:
        return "undefined"


undefined: Any = _Undefined()

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})


def _parse_env_file(path: Path, encoding: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for raw_line in path.read_text(encoding=encoding).splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
    return values


class Config:
    """Read `config("KEY", cast=int, default=...)`: the environment first, then the .env file."""

    def __init__(
        self,
        env_file: str | Path | None = None,
        environ: Mapping[str, str] = environ,
        env_prefix: str = "",
        encoding: str = "utf-8",
    ) -> None:
        """`encoding` is the .env file's: UTF-8 unless told, whatever the platform's locale."""
        self.environ = environ
        self.env_prefix = env_prefix
        self.file_values: dict[str, str] = {}
        if env_file is not None:
            path = Path(env_file)
            if path.is_file():
                self.file_values = _parse_env_file(path, encoding)
            else:
                warnings.warn(f"Config file '{env_file}' not found.", UserWarning, stacklevel=2)

    @overload
    def __call__(self, key: str, *, default: None) -> str | None: ...
    @overload
    def __call__(self, key: str, cast: type[T], default: T = ...) -> T: ...
    @overload
    def __call__(self, key: str, cast: type[str] = ..., default: str = ...) -> str: ...
    @overload
    def __call__(self, key: str, cast: Callable[[Any], T] = ..., default: Any = ...) -> T: ...
    def __call__(
        self, key: str, cast: Callable[[Any], Any] | None = None, default: Any = undefined
    ) -> Any:
        return self.get(key, cast, default)

    def get(
        self, key: str, cast: Callable[[Any], Any] | None = None, default: Any = undefined
    ) -> Any:
        key = self.env_prefix + key
        if key in self.environ:
            return self._perform_cast(key, self.environ[key], cast)
        if key in self.file_values:
            return self._perform_cast(key, self.file_values[key], cast)
        if default is not undefined:
            return self._perform_cast(key, default, cast)
        raise KeyError(f"Config '{key}' is missing, and has no default.")

    def _perform_cast(self, key: str, value: Any, cast: Callable[[Any], Any] | None) -> Any:
        if cast is None or value is None:
            return value
        if cast is bool and isinstance(value, str):
            lowered = value.lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
            raise ValueError(f"Config '{key}' has value '{value}'. Not a valid bool.")
        try:
            return cast(value)
        except (TypeError, ValueError):
            name = getattr(cast, "__name__", repr(cast))
            raise ValueError(f"Config '{key}' has value '{value}'. Not a valid {name}.") from None


__all__ = ["Config", "Environ", "EnvironError", "environ", "undefined"]
