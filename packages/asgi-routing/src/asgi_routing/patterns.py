"""Compile a route path such as ``/users/{id:int}`` once, at start-up, into a regex."""

from __future__ import annotations

import re
from typing import Any

from asgi_routing.convertors import CONVERTOR_TYPES, Convertor

# `{name}` or `{name:type}`; names are identifiers.
PARAM_REGEX = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(:[a-zA-Z_][a-zA-Z0-9_]*)?}")


def compile_path(path: str) -> tuple[re.Pattern[str], str, dict[str, Convertor[Any]]]:
    """Return (regex, format string, convertors) for `path`.

    A host pattern (no leading "/") matches without its port and ignores case, as host names
    do (the Host route lower-cases the header it matches). Unknown convertor types and
    repeated parameter names fail here, at construction, naming the path and parameter.
    """
    is_host = not path.startswith("/")
    path_regex = "^"
    path_format = ""
    duplicated: set[str] = set()
    convertors: dict[str, Convertor[Any]] = {}
    idx = 0
    for match in PARAM_REGEX.finditer(path):
        name, type_ = match.groups("str")
        type_ = type_.lstrip(":")
        if type_ not in CONVERTOR_TYPES:
            raise ValueError(
                f"Unknown path convertor {type_!r} for parameter {name!r} in path {path!r}"
            )
        convertor = CONVERTOR_TYPES[type_]
        path_regex += re.escape(path[idx : match.start()])
        path_regex += f"(?P<{name}>{convertor.regex})"
        path_format += path[idx : match.start()]
        path_format += "{" + name + "}"
        if name in convertors:
            duplicated.add(name)
        convertors[name] = convertor
        idx = match.end()

    if duplicated:
        names = ", ".join(sorted(duplicated))
        ending = "s" if len(duplicated) > 1 else ""
        raise ValueError(f"Duplicated param name{ending} {names} at path {path}")

    if is_host:
        # Hosts are matched without their port.
        tail = path[idx:]
        # Keep an IPv6 literal ("[::1]:8000" -> "[::1]") whole.
        hostname = tail[: tail.index("]") + 1] if "]" in tail else tail.split(":")[0]
        path_regex += re.escape(hostname) + "$"
    else:
        path_regex += re.escape(path[idx:]) + "$"
    path_format += path[idx:]
    return re.compile(path_regex, re.IGNORECASE if is_host else 0), path_format, convertors


__all__ = ["compile_path"]
