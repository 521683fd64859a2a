"""Reading the Host header of a scope."""

from __future__ import annotations

from asgi_protocol.types import Scope


def host_header(scope: Scope) -> str | None:
    for key, value in scope["headers"]:
        if key == b"host":
            host: str = value.decode("latin-1")
            return host
    return None


def strip_port(host: str) -> str:
    """`example.com:8000` -> `example.com`; `[::1]:8000` -> `[::1]`."""
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
